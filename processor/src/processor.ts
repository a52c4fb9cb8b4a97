// The processor: consumes readings (consumer group, so instances share partitions), applies them to
// the per-sensor warning counters in Redis, and emits events. Per partition batch:
//   drain the outbox (events a previous owner raised but may not have sent) →
//   for each chunk: decode (poison → dead letter), evaluate, apply atomically in Redis (events go to
//   the outbox in the same script; on a replicated Redis, wait until a replica holds it), drain the
//   outbox to Kafka whenever it holds anything, then resolve and commit the offsets.
// So every offset committed has its update durable in Redis and its events in Kafka. A crash anywhere
// replays from the last committed offset; the script skips what it already applied.
// All work on a partition stops as soon as the partition is revoked (partition-ownership.ts): a stale
// owner must not keep writing while the new one works (the script and the outbox are safe against
// it, but its retries would only slow both down).
import type { Consumer, EachBatchPayload, Producer } from 'kafkajs';
import {
  type Config,
  type DeadLetterTarget,
  decodeOrDeadLetter,
  decodeReading,
  type Logger,
  type RedisClient,
  type Rule,
  redisWaitReplicas,
  retryUntilDone,
} from '../../shared/src';
import {
  createPartitionOwnership,
  meansPartitionsRevoked,
  type PartitionOwnership,
  trackOwnership,
} from './partition-ownership';
import type { ProcessorMetrics } from './processor-metrics';
import { type Evaluated, evaluate, rulesByMetric } from './reading-evaluation';
import { createStreakStore, type StreakStore } from './streak-store';

/** Thrown inside a batch when its partition was revoked: the batch ends without resolving more offsets. */
class PartitionRevokedError extends Error {
  override readonly name = 'PartitionRevokedError';
}

export interface ProcessorDeps {
  consumer: Consumer;
  producer: Producer;
  store: StreakStore;
  rules: readonly Rule[];
  readingsTopic: string;
  deadLetterTopic: string;
  groupId: string;
  chunkSize: number;
  /** partitions of the readings topic */
  partitions: number;
  retryMaxMs: number;
  metrics: ProcessorMetrics;
  logger: Logger;
}

export function createProcessor(deps: ProcessorDeps) {
  const { consumer, store, logger, metrics } = deps;
  const rules = rulesByMetric(deps.rules);
  const ownership: PartitionOwnership = createPartitionOwnership();
  const stopTracking = trackOwnership(consumer, deps.readingsTopic, ownership);

  // the saver decodes with the same decodeReading: what one counts the other stores
  const deadLetters: DeadLetterTarget = { ...deps, counter: metrics.deadLettered };

  async function handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const partition = batch.partition;
    const owned = ownership.lease(partition);
    const keepGoing = () => isRunning() && !isStale() && owned();
    // A heartbeat that says the group is rebalancing (or has evicted us) ends the lease of every
    // partition at once, and is rethrown at the end of the batch so kafkajs rejoins without delay.
    let revokedBy: unknown;
    const beat = async () => {
      try {
        await heartbeat();
      } catch (err) {
        if (meansPartitionsRevoked(err)) {
          revokedBy = err;
          ownership.lostAll();
        }
        throw err;
      }
    };
    const retry = <T>(what: string, op: () => Promise<T>) =>
      retryUntilDone(
        () => {
          if (!keepGoing()) throw new PartitionRevokedError(`partition ${partition} is no longer ours`);
          return op();
        },
        {
          maxMs: deps.retryMaxMs,
          shouldContinue: keepGoing,
          isRetryable: (err) => !(err instanceof PartitionRevokedError),
          heartbeat: beat,
          onRetry: (err, attempt, waitMs) => {
            metrics.retries.inc({ operation: what });
            logger.warn({ err: (err as Error).message, what, partition, attempt, waitMs }, 'retrying');
          },
        },
      );
    const drain = () => retry('drain outbox', () => store.drainOutbox(partition, keepGoing));

    try {
      await drain();
      for (let start = 0; start < batch.messages.length; start += deps.chunkSize) {
        if (!keepGoing()) break;
        const messages = batch.messages.slice(start, start + deps.chunkSize);
        const lastOffset = messages[messages.length - 1].offset;
        const decoded = await decodeOrDeadLetter(
          { topic: batch.topic, partition, messages },
          decodeReading,
          deadLetters,
          (send) => retry('dead letter', send),
        );
        const evaluated: Evaluated[] = [];
        for (const { message, value } of decoded) {
          const e = evaluate(value, message.offset, rules);
          if (e) evaluated.push(e);
        }
        const applied = await retry('apply readings', () => store.apply(partition, evaluated, lastOffset));
        // Not only when this run raised events: a run whose first reply was lost raises none on the
        // re-run, yet left its events in the outbox. Nothing is committed while they sit there.
        if (applied.pending > 0) await drain();
        if (!keepGoing()) break;
        metrics.readingsProcessed.inc(messages.length);
        metrics.warnings.inc(evaluated.filter((e) => e.warning).length);
        metrics.eventsRaised.inc(applied.raised);
        resolveOffset(lastOffset);
        await commitOffsetsIfNecessary();
        await beat();
      }
    } catch (err) {
      if (revokedBy) throw revokedBy;
      // revoked or stopping: the offsets not resolved are the next owner's to process
      if (err instanceof PartitionRevokedError || !keepGoing()) return;
      throw err;
    }
    if (revokedBy) throw revokedBy;
    metrics.lag.set({ partition: String(partition) }, Number(batch.offsetLag()));
  }

  return {
    async start(): Promise<void> {
      await consumer.subscribe({ topics: [deps.readingsTopic], fromBeginning: true });
      await consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        // every partition of a fetch at once: their Redis round trips overlap
        partitionsConsumedConcurrently: deps.partitions,
        eachBatch: handleBatch,
      });
    },
    async stop(): Promise<void> {
      await consumer.disconnect();
      stopTracking();
    },
  };
}

/** The processor as its main.ts builds it: every setting from the configuration. */
export function createProcessorFromConfig(
  config: Config,
  clients: Pick<ProcessorDeps, 'consumer' | 'producer' | 'metrics' | 'logger'> & { redis: RedisClient },
) {
  const { redis, ...rest } = clients;
  return createProcessor({
    ...rest,
    store: createStreakStore({
      redis,
      producer: clients.producer,
      keyPrefix: config.redis.keyPrefix,
      readingsTopic: config.kafka.readingsTopic,
      eventsTopic: config.kafka.eventsTopic,
      dedupWindowMs: config.processor.dedupWindowMs,
      waitReplicas: redisWaitReplicas(config),
      waitTimeoutMs: config.processor.redisWaitTimeoutMs,
    }),
    rules: config.processor.rules,
    readingsTopic: config.kafka.readingsTopic,
    deadLetterTopic: config.kafka.deadLetterTopic,
    groupId: config.processor.groupId,
    chunkSize: config.processor.scriptChunk,
    partitions: config.kafka.partitions,
    retryMaxMs: config.processor.retryMaxMs,
  });
}
