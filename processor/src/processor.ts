// The processor: consumes readings (consumer group, so instances share partitions), applies them to
// the per-sensor warning counters in Redis, and emits events. Per partition batch:
//   drain the outbox (events a previous owner raised but may not have sent) →
//   for each chunk: decode (poison → dead letter), evaluate, apply atomically in Redis (events go to
//   the outbox in the same script), drain the outbox to Kafka, then resolve and commit the offsets.
// A crash anywhere replays from the last committed offset; the script skips what it already applied.
import type Redis from 'ioredis';
import type { Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import {
  type Config,
  type Logger,
  type PoisonMessage,
  PoisonMessageError,
  type Reading,
  type Rule,
  readingCodec,
  retryUntilDone,
  sendToDeadLetter,
} from '../../shared/src';
import type { ProcessorMetrics } from './processor-metrics';
import { type Evaluated, evaluate, rulesByMetric } from './reading-evaluation';
import { createStreakStore, type StreakStore } from './streak-store';

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

  const decode = (message: KafkaMessage, topic: string, partition: number): Reading | PoisonMessage => {
    try {
      return readingCodec.decode(message.value);
    } catch (err) {
      if (!(err instanceof PoisonMessageError)) throw err;
      return { topic, partition, message, error: err };
    }
  };

  async function handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const partition = batch.partition;
    const keepGoing = () => isRunning() && !isStale();
    const retry = <T>(what: string, op: () => Promise<T>) =>
      retryUntilDone(op, {
        maxMs: deps.retryMaxMs,
        shouldContinue: keepGoing,
        heartbeat,
        onRetry: (err, attempt, waitMs) => {
          metrics.retries.inc({ operation: what });
          logger.warn({ err: (err as Error).message, what, partition, attempt, waitMs }, 'retrying');
        },
      });

    await retry('drain outbox', () => store.drainOutbox(partition));
    for (let start = 0; start < batch.messages.length; start += deps.chunkSize) {
      if (!keepGoing()) return;
      const messages = batch.messages.slice(start, start + deps.chunkSize);
      const poison: PoisonMessage[] = [];
      const evaluated: Evaluated[] = [];
      for (const message of messages) {
        const decoded = decode(message, batch.topic, partition);
        if ('error' in decoded) {
          poison.push(decoded);
          continue;
        }
        const e = evaluate(decoded, message.offset, rules);
        if (e) evaluated.push(e);
      }
      if (poison.length) {
        logger.warn(
          { partition, offsets: poison.map((p) => p.message.offset), error: poison[0].error.message },
          'dead-lettering',
        );
        await retry('dead letter', () => sendToDeadLetter(deps.producer, deps.deadLetterTopic, deps.groupId, poison));
        metrics.deadLettered.inc(poison.length);
      }
      const raised = await retry('apply readings', () => store.apply(partition, evaluated));
      if (raised) await retry('drain outbox', () => store.drainOutbox(partition));
      metrics.readingsProcessed.inc(messages.length);
      metrics.warnings.inc(evaluated.filter((e) => e.warning).length);
      metrics.eventsRaised.inc(raised);
      resolveOffset(messages[messages.length - 1].offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
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
    },
  };
}

/** The processor as its main.ts builds it: every setting from the configuration. */
export function createProcessorFromConfig(
  config: Config,
  clients: Pick<ProcessorDeps, 'consumer' | 'producer' | 'metrics' | 'logger'> & { redis: Redis },
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
