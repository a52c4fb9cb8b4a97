// The saver: consumes readings, events and alarm transitions (one consumer group) and writes them to
// PostgreSQL in batches shared across partitions (group commit: flushed at `batchSize` rows or after `flushMs`, whichever
// comes first). A partition's offsets are resolved and committed only after the transaction holding
// its rows has committed. A PostgreSQL outage is retried with backoff while heartbeating: offsets
// stay uncommitted, nothing is dead-lettered, and writing resumes by itself. Operators' commands in
// the readings topic (a clear, for the processor to apply in order with the readings) are skipped.
import type { Consumer, EachBatchPayload, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import {
  type AlarmMessage,
  type Config,
  createGroupCommit,
  type DeadLetterTarget,
  decodeAlarm,
  decodeEvent,
  decodeOrDeadLetter,
  decodeReading,
  isDependencyDown,
  type Logger,
  type Reading,
  retryUntilDone,
  SCHEMA_IDS,
  schemaIdOf,
  type SensorEvent,
} from '../../shared/src';
import type { SaverMetrics } from './saver-metrics';
import { writeBatch } from './writer';
import { whileHeartbeating } from './while-heartbeating';

type Item =
  { kind: 'reading'; value: Reading } | { kind: 'event'; value: SensorEvent } | { kind: 'alarm'; value: AlarmMessage };

export interface SaverDeps {
  consumer: Consumer;
  producer: Producer;
  pool: Pool;
  readingsTopic: string;
  eventsTopic: string;
  alarmsTopic: string;
  deadLetterTopic: string;
  groupId: string;
  batchSize: number;
  flushMs: number;
  concurrentWrites: number;
  retryMaxMs: number;
  metrics: SaverMetrics;
  logger: Logger;
}

export function createSaver(deps: SaverDeps) {
  const { consumer, logger, metrics } = deps;
  let stopping = false;
  const deadLetters: DeadLetterTarget = { ...deps, counter: metrics.deadLettered };

  const writes = createGroupCommit<Item>({
    lingerMs: deps.flushMs,
    maxBatch: deps.batchSize,
    maxInFlight: Number.MAX_SAFE_INTEGER, // bounded upstream by the consumer's fetch sizes
    // Concurrent transactions mostly hold different partitions' rows, but not always: a fetch larger
    // than batchSize is written as several batches at once, and a redelivered reading may sit in a
    // batch next to its first copy. writer.ts takes row locks in key order, so they wait, never deadlock.
    concurrency: deps.concurrentWrites,
    async write(items) {
      const readings = items.filter((i) => i.kind === 'reading').map((i) => i.value as Reading);
      const events = items.filter((i) => i.kind === 'event').map((i) => i.value as SensorEvent);
      const alarms = items.filter((i) => i.kind === 'alarm').map((i) => i.value as AlarmMessage);
      const end = metrics.writeSeconds.startTimer();
      const result = await retryUntilDone(() => writeBatch(deps.pool, readings, events, alarms), {
        maxMs: deps.retryMaxMs,
        shouldContinue: () => !stopping,
        onRetry: (err, attempt, waitMs) => {
          metrics.writeRetries.inc();
          // An outage ends by itself; a refused batch (a bug, or a row rows.ts should have caught) does not:
          // say so loudly, with the cause, while still never dropping or dead-lettering accepted rows.
          const outage = isDependencyDown(err);
          logger[outage ? 'warn' : 'error'](
            { err: (err as Error).message, code: (err as { code?: string }).code, attempt, waitMs, rows: items.length },
            outage ? 'PostgreSQL unavailable; retrying the batch' : 'PostgreSQL refused the batch; retrying',
          );
        },
      });
      end();
      metrics.batchRows.observe(items.length);
      metrics.rowsWritten.inc({ table: 'readings' }, result.readingsInserted);
      metrics.rowsWritten.inc({ table: 'events' }, result.eventsInserted);
      metrics.rowsWritten.inc({ table: 'alarms' }, result.alarmsChanged);
      metrics.duplicatesIgnored.inc(readings.length - result.readingsInserted + events.length - result.eventsInserted);
    },
  });

  async function handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary } = payload;
    if (batch.messages.length === 0) return;
    // A value PostgreSQL would refuse (a NUL in a text, an absurd date) is poison like bytes that are
    // not Avro: dead-lettered, never a write retried for ever.
    const retry = (send: () => Promise<void>) => retryUntilDone(send, { shouldContinue: () => !stopping, heartbeat });
    const kind: Item['kind'] =
      batch.topic === deps.readingsTopic ? 'reading' : batch.topic === deps.alarmsTopic ? 'alarm' : 'event';
    let messages = batch.messages;
    if (kind === 'reading') {
      // Not poison: commands are the processor's; their offsets are committed with the readings'.
      messages = messages.filter((m) => schemaIdOf(m.value) !== SCHEMA_IDS.commandV1);
      metrics.commandsSkipped.inc(batch.messages.length - messages.length);
    }
    const decoded = await decodeOrDeadLetter<Item['value']>(
      { topic: batch.topic, partition: batch.partition, messages },
      DECODERS[kind],
      deadLetters,
      retry,
    );
    const items = decoded.map(({ value }) => ({ kind, value }) as Item);
    const chunks: Promise<void>[] = [];
    for (let i = 0; i < items.length; i += deps.batchSize)
      chunks.push(writes.publish(items.slice(i, i + deps.batchSize)));
    await whileHeartbeating(Promise.all(chunks), heartbeat);
    resolveOffset(batch.messages[batch.messages.length - 1].offset);
    await commitOffsetsIfNecessary();
    metrics.lag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLag()));
  }

  return {
    async start(): Promise<void> {
      await consumer.subscribe({
        topics: [deps.readingsTopic, deps.eventsTopic, deps.alarmsTopic],
        fromBeginning: true,
      });
      await consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        // Several partitions' batches in flight at once is what lets them share a transaction.
        partitionsConsumedConcurrently: 8,
        eachBatch: handleBatch,
      });
    },
    async stop(): Promise<void> {
      // disconnect() lets the batches in hand finish (their rows written, offsets committed). A write
      // that is retrying through a PostgreSQL outage gives up instead: its offsets stay uncommitted
      // and the rows come again to whichever instance owns the partition next.
      stopping = true;
      await consumer.disconnect();
      await writes.drain();
    },
  };
}

const DECODERS: Record<Item['kind'], (value: Buffer | null) => Item['value']> = {
  reading: decodeReading,
  event: decodeEvent,
  alarm: decodeAlarm,
};

/** The saver as its main.ts builds it: every setting from the configuration. */
export function createSaverFromConfig(
  config: Config,
  clients: Pick<SaverDeps, 'consumer' | 'producer' | 'pool' | 'metrics' | 'logger'>,
) {
  return createSaver({
    ...clients,
    readingsTopic: config.kafka.readingsTopic,
    eventsTopic: config.kafka.eventsTopic,
    alarmsTopic: config.kafka.alarmsTopic,
    deadLetterTopic: config.kafka.deadLetterTopic,
    groupId: config.saver.groupId,
    batchSize: config.saver.batchSize,
    flushMs: config.saver.flushMs,
    concurrentWrites: config.saver.concurrentWrites,
    retryMaxMs: config.saver.retryMaxMs,
  });
}
