import { createGroupCommit, NotWrittenError, OverloadedError, UnconfirmedWriteError } from './group-commit';

function deferred() {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('group commit', () => {
  it('when requests arrive within the linger time, then one write carries them all and each resolves', async () => {
    const writes: number[][] = [];
    const gc = createGroupCommit<number>({
      write: async (items) => {
        writes.push(items);
      },
      lingerMs: 5,
      maxBatch: 100,
      maxInFlight: 1000,
    });
    await Promise.all([gc.publish([1, 2]), gc.publish([3]), gc.publish([4, 5])]);
    expect(writes).toEqual([[1, 2, 3, 4, 5]]);
    expect(gc.held).toBe(0);
  });

  it('when a write is in flight, then the next requests form the next batch and are written after it', async () => {
    const first = deferred();
    const writes: number[][] = [];
    const gc = createGroupCommit<number>({
      write: (items) => {
        writes.push(items);
        return writes.length === 1 ? first.promise : Promise.resolve();
      },
      lingerMs: 0,
      maxBatch: 100,
      maxInFlight: 1000,
    });
    const a = gc.publish([1]);
    const b = gc.publish([2]);
    const c = gc.publish([3]);
    expect(writes).toEqual([[1]]);
    expect(gc.held).toBe(3);
    first.resolve();
    await Promise.all([a, b, c]);
    expect(writes).toEqual([[1], [2, 3]]);
  });

  it('when concurrency is 2, then a second write starts while the first is in flight, and a third waits', async () => {
    const pending = [deferred(), deferred(), deferred()];
    const writes: number[][] = [];
    const gc = createGroupCommit<number>({
      write: (items) => {
        writes.push(items);
        return pending[writes.length - 1].promise;
      },
      lingerMs: 0,
      maxBatch: 100,
      maxInFlight: 1000,
      concurrency: 2,
    });
    const a = gc.publish([1]);
    const b = gc.publish([2]);
    const c = gc.publish([3]);
    const d = gc.publish([4]);
    expect(writes).toEqual([[1], [2]]);
    pending[1].resolve();
    await b;
    expect(writes).toEqual([[1], [2], [3, 4]]);
    pending[0].resolve();
    pending[2].resolve();
    await Promise.all([a, c, d]);
    expect(gc.held).toBe(0);
  });

  it('when the batch reaches maxBatch, then it is written without waiting for the linger time', async () => {
    const writes: number[][] = [];
    const gc = createGroupCommit<number>({
      write: async (items) => {
        writes.push(items);
      },
      lingerMs: 60_000,
      maxBatch: 3,
      maxInFlight: 1000,
    });
    await Promise.all([gc.publish([1, 2]), gc.publish([3])]);
    expect(writes).toEqual([[1, 2, 3]]);
  });

  it('when a write fails, then every request in it is rejected with the error and later ones still go through', async () => {
    let fail = true;
    const gc = createGroupCommit<number>({
      write: async () => {
        if (fail) throw new Error('broker down');
      },
      lingerMs: 1,
      maxBatch: 10,
      maxInFlight: 100,
    });
    const results = await Promise.allSettled([gc.publish([1]), gc.publish([2])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(gc.publish([3])).resolves.toBeUndefined();
  });

  it('when more than maxInFlight items are held, then a publish is refused at once with OverloadedError', async () => {
    const blocked = deferred();
    const gc = createGroupCommit<number>({ write: () => blocked.promise, lingerMs: 0, maxBatch: 10, maxInFlight: 3 });
    const first = gc.publish([1, 2]);
    await expect(gc.publish([3, 4])).rejects.toBeInstanceOf(OverloadedError);
    blocked.resolve();
    await first;
  });

  it('when a single request is larger than maxInFlight and nothing is held, then it is still accepted', async () => {
    const gc = createGroupCommit<number>({ write: async () => {}, lingerMs: 0, maxBatch: 10, maxInFlight: 3 });
    await expect(gc.publish([1, 2, 3, 4, 5])).resolves.toBeUndefined();
  });

  it('when the timeout passes, then queued items are withdrawn (NotWritten) and in-flight ones are Unconfirmed', async () => {
    const blocked = deferred();
    const written: number[][] = [];
    const gc = createGroupCommit<number>({
      write: (items) => {
        written.push(items);
        return blocked.promise;
      },
      lingerMs: 0,
      maxBatch: 10,
      maxInFlight: 100,
      timeoutMs: 20,
    });
    const inFlight = gc.publish([1]);
    const queued = gc.publish([2]);
    await expect(inFlight).rejects.toBeInstanceOf(UnconfirmedWriteError);
    await expect(queued).rejects.toBeInstanceOf(NotWrittenError);
    blocked.resolve();
    await gc.drain();
    expect(written).toEqual([[1]]);
    expect(gc.held).toBe(0);
  });

  it('drain resolves once everything published is settled', async () => {
    const blocked = deferred();
    const gc = createGroupCommit<number>({ write: () => blocked.promise, lingerMs: 0, maxBatch: 10, maxInFlight: 100 });
    const p = gc.publish([1]);
    let drained = false;
    const d = gc.drain().then(() => {
      drained = true;
    });
    await Promise.resolve();
    expect(drained).toBe(false);
    blocked.resolve();
    await Promise.all([p, d]);
    expect(drained).toBe(true);
  });
});
