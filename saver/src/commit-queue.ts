// The log saver's offset commits: the latest committable offset of each partition, sent one request
// at a time for all of them, so a partition's committed offset only moves forward and a burst of
// small writes makes one request. A failed request keeps its offsets (unless newer ones came) for the
// next one, instead of retrying in a loop against a Kafka that is away. Logic only: `send` is the
// consumer's commitOffsets.
import { partitionKey } from './commit-tracker';

export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

export interface CommitQueue {
  /** `offset` of the partition may be committed; sends it with whatever else waits */
  commit(o: PartitionOffset): void;
  /** forgets the offsets of partitions not in `assigned` (partitionKey), sends those kept */
  retain(assigned: Set<string>): void;
  /** resolves once nothing is being sent; then sends what a failure kept, and waits for that too */
  flush(): Promise<void>;
  /** offsets waiting (kept after a failure, or not sent yet) */
  readonly waiting: number;
}

export function createCommitQueue(
  send: (offsets: PartitionOffset[]) => Promise<void>,
  onFailure: (err: unknown, offsets: PartitionOffset[]) => void,
): CommitQueue {
  const waiting = new Map<string, PartitionOffset>();
  const key = (o: PartitionOffset) => partitionKey(o.topic, o.partition);
  let running: Promise<void> | undefined;

  const start = () => {
    running ??= (async () => {
      while (waiting.size > 0) {
        const offsets = [...waiting.values()];
        waiting.clear();
        try {
          await send(offsets);
        } catch (err) {
          onFailure(err, offsets);
          for (const o of offsets) if (!waiting.has(key(o))) waiting.set(key(o), o);
          break;
        }
      }
      running = undefined;
    })();
  };

  return {
    commit(o) {
      waiting.set(key(o), o);
      start();
    },
    retain(assigned) {
      for (const k of [...waiting.keys()]) if (!assigned.has(k)) waiting.delete(k);
      if (waiting.size > 0) start();
    },
    async flush() {
      await running;
      if (waiting.size > 0) start();
      await running;
    },
    get waiting() {
      return waiting.size;
    },
  };
}
