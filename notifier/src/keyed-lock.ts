// One piece of work at a time per key. Pure.

/** Runs functions one at a time per key (here a partition, so a re-send and a transition's post never cross). */
export function createKeyedLock() {
  const tails = new Map<number, Promise<unknown>>();
  return {
    async run<T>(key: number, work: () => Promise<T>): Promise<T> {
      const before = tails.get(key) ?? Promise.resolve();
      const result = before.then(work, work);
      const tail = result.catch(() => undefined);
      tails.set(key, tail);
      try {
        return await result;
      } finally {
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}
