// Which offset of a partition may be committed when its batches are written out of order: up to the
// end of the first batch not written yet, never past it. Pure.

export interface CommitTracker {
  /**
   * A batch of `topic`/`partition` ending before `nextOffset` was handed to the writer. The function
   * returned marks it written and answers the offset the partition may now commit (undefined: none
   * further than before, an earlier batch of the partition is still being written).
   */
  add(topic: string, partition: number, nextOffset: string): () => string | undefined;
  /** forgets the partitions not in `assigned` ("topic:partition"): their batches no longer commit here */
  retain(assigned: Set<string>): void;
  /** batches handed over and not yet committable */
  readonly pending: number;
}

export const partitionKey = (topic: string, partition: number) => `${topic}:${partition}`;

export function createCommitTracker(): CommitTracker {
  const queues = new Map<string, Array<{ nextOffset: string; written: boolean }>>();
  let pending = 0;
  return {
    add(topic, partition, nextOffset) {
      const key = partitionKey(topic, partition);
      const queue = queues.get(key) ?? [];
      queues.set(key, queue);
      const entry = { nextOffset, written: false };
      queue.push(entry);
      pending++;
      return () => {
        if (entry.written) return undefined;
        entry.written = true;
        // a queue forgotten by retain() commits nothing more
        if (queues.get(key) !== queue) return undefined;
        let committable: string | undefined;
        while (queue.length > 0 && queue[0].written) {
          committable = queue.shift()?.nextOffset;
          pending--;
        }
        return committable;
      };
    },
    retain(assigned) {
      for (const [key, queue] of queues) {
        if (assigned.has(key)) continue;
        pending -= queue.length;
        queues.delete(key);
      }
    },
    get pending() {
      return pending;
    },
  };
}
