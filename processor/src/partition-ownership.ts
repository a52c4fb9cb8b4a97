// Which partitions of the readings topic this instance owns, as kafkajs' group events tell it, so
// work on a partition stops as soon as it is revoked (rather than when kafkajs next notices).
//
// kafkajs (2.x, eager rebalancing) revokes every partition of a member on a rebalance: REBALANCING,
// or a heartbeat answered "rebalance in progress" / "unknown member" (eviction after the session
// timeout), means none is ours until the next GROUP_JOIN names the new assignment. A batch takes a
// lease when it starts; the lease ends at the first of those events even if the same partition comes
// back in the next assignment, because another instance may have owned it in between.
import type { Consumer } from 'kafkajs';

export interface PartitionOwnership {
  /** A check that stays true while `partition` has been ours without interruption since this call. */
  lease(partition: number): () => boolean;
  /** the partitions ours now (the silence sweep's) */
  owned(): number[];
  joined(partitions: readonly number[]): void;
  /** every partition revoked (rebalance, eviction, stop, crash) */
  lostAll(): void;
}

export function createPartitionOwnership(): PartitionOwnership {
  let generation = 0;
  let owned = new Set<number>();
  return {
    lease(partition) {
      const at = generation;
      return () => generation === at && owned.has(partition);
    },
    owned() {
      return [...owned];
    },
    joined(partitions) {
      generation++;
      owned = new Set(partitions);
    },
    lostAll() {
      generation++;
      owned = new Set();
    },
  };
}

/** Heartbeat errors that mean this member's partitions are (about to be) given to others. */
const REVOKING = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'NOT_COORDINATOR_FOR_GROUP',
  'FENCED_INSTANCE_ID',
]);

export function meansPartitionsRevoked(err: unknown): boolean {
  return REVOKING.has((err as { type?: string } | null)?.type ?? '');
}

/** Feeds the consumer's group events for `topic` into `ownership`; returns a function removing the listeners. */
export function trackOwnership(consumer: Consumer, topic: string, ownership: PartitionOwnership): () => void {
  const { GROUP_JOIN, REBALANCING, STOP, CRASH, DISCONNECT } = consumer.events;
  const removers = [
    consumer.on(GROUP_JOIN, (e) => ownership.joined(e.payload.memberAssignment[topic] ?? [])),
    ...[REBALANCING, STOP, CRASH, DISCONNECT].map((name) =>
      consumer.on(name as typeof REBALANCING, () => ownership.lostAll()),
    ),
  ];
  return () => {
    for (const remove of removers) remove();
  };
}
