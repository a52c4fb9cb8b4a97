// The saver's log lines: the logs topic, consumed by a consumer group of its own (SAVER_GROUP_ID plus
// "-logs") so a burst of logs never delays readings, events and alarms, and written in batches shared
// across partitions (group commit: SAVER_BATCH_SIZE rows or SAVER_FLUSH_MS). A value that is not a
// valid log line (shared/src/log-lines.ts) is dead-lettered; a PostgreSQL outage is retried.
//
// Pipelined, unlike the readings' saver: a batch is handed to the writer and the consumer fetches the
// next one while PostgreSQL writes it (up to MAX_IN_FLIGHT_BYTES in hand). Waiting for each write
// before the next fetch left PostgreSQL idle while the saver fetched and decoded, and the saver idle
// while PostgreSQL wrote: the log saver then fell behind a receiver under load (make bench-logs). A
// partition's offset is committed (by hand: autoCommit is off) only up to the end of its first batch
// not written yet (commit-tracker.ts). Lines are idempotent on their id, so what a crash or a
// rebalance leaves uncommitted comes again and is stored once.
import type { Consumer, EachBatchPayload, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import {
  type Config,
  createGroupCommit,
  type DeadLetterTarget,
  decodeLogLine,
  decodeOrDeadLetter,
  isDependencyDown,
  type Logger,
  type LogLine,
  retryUntilDone,
} from '../../shared/src';
import { createCommitQueue } from './commit-queue';
import { createCommitTracker, partitionKey } from './commit-tracker';
import { writeLogLines } from './log-writer';
import type { SaverMetrics } from './saver-metrics';
import { whileHeartbeating } from './while-heartbeating';

export interface LogSaverDeps {
  consumer: Consumer;
  producer: Producer;
  pool: Pool;
  logsTopic: string;
  deadLetterTopic: string;
  groupId: string;
  batchSize: number;
  flushMs: number;
  concurrentWrites: number;
  retryMaxMs: number;
  metrics: SaverMetrics;
  logger: Logger;
}

/** Bytes of log lines handed to the writer and not written yet beyond which the consumer waits (about four fetches). */
export const MAX_IN_FLIGHT_BYTES = 16 * 1024 * 1024;

/** The consumer group of the log lines, derived from the saver's so every deployment (and test) has its own. */
export const logsGroupId = (saverGroupId: string): string => `${saverGroupId}-logs`;

export function createLogSaver(deps: LogSaverDeps) {
  const { consumer, logger, metrics } = deps;
  let stopping = false;
  const deadLetters: DeadLetterTarget = { ...deps, counter: metrics.deadLettered };

  const writes = createGroupCommit<LogLine>({
    lingerMs: deps.flushMs,
    maxBatch: deps.batchSize,
    maxInFlight: Number.MAX_SAFE_INTEGER, // bounded upstream by the consumer's fetch sizes
    concurrency: deps.concurrentWrites,
    async write(lines) {
      const end = metrics.writeSeconds.startTimer();
      const inserted = await retryUntilDone(() => writeLogLines(deps.pool, lines), {
        maxMs: deps.retryMaxMs,
        shouldContinue: () => !stopping,
        onRetry: (err, attempt, waitMs) => {
          metrics.writeRetries.inc();
          const outage = isDependencyDown(err);
          logger[outage ? 'warn' : 'error'](
            { err: (err as Error).message, code: (err as { code?: string }).code, attempt, waitMs, rows: lines.length },
            outage ? 'PostgreSQL unavailable; retrying the log lines' : 'PostgreSQL refused the log lines; retrying',
          );
        },
      });
      end();
      metrics.batchRows.observe(lines.length);
      metrics.rowsWritten.inc({ table: 'logs' }, inserted);
      metrics.duplicatesIgnored.inc(lines.length - inserted);
    },
  });

  const tracker = createCommitTracker();
  /** writes handed over and not settled */
  const inFlight = new Set<Promise<void>>();
  let inFlightBytes = 0;
  // a failed commit (a rebalance, Kafka away) keeps its offsets for the next one; lines whose offset
  // is never committed here come again and are stored once
  const commits = createCommitQueue(
    (offsets) => consumer.commitOffsets(offsets),
    (err, offsets) =>
      logger.warn({ err: (err as Error).message, offsets }, 'log offsets not committed; kept for the next commit'),
  );
  let activeBatches = 0;

  async function handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat } = payload;
    if (batch.messages.length === 0) return;
    activeBatches++;
    try {
      const retry = (send: () => Promise<void>) => retryUntilDone(send, { shouldContinue: () => !stopping, heartbeat });
      const decoded = await decodeOrDeadLetter(batch, decodeLogLine, deadLetters, retry);
      const lines = decoded.map((d) => d.value);
      const chunks: Promise<void>[] = [];
      for (let i = 0; i < lines.length; i += deps.batchSize)
        chunks.push(writes.publish(lines.slice(i, i + deps.batchSize)));
      const last = batch.messages[batch.messages.length - 1].offset;
      const written = tracker.add(batch.topic, batch.partition, (BigInt(last) + 1n).toString());
      // the fetch position moves on now; the commit waits for the write
      resolveOffset(last);
      const bytes = batch.messages.reduce((sum, m) => sum + (m.value?.length ?? 0), 0);
      const settled = Promise.all(chunks).then(
        () => {
          const offset = written();
          if (offset !== undefined) commits.commit({ topic: batch.topic, partition: batch.partition, offset });
        },
        // only when stopping (writes retry until then): the partition commits nothing further here
        (err: unknown) =>
          logger.warn({ err: (err as Error).message, partition: batch.partition }, 'log lines not written'),
      );
      inFlight.add(settled);
      inFlightBytes += bytes;
      void settled.finally(() => {
        inFlightBytes -= bytes;
        inFlight.delete(settled);
      });
      while (inFlightBytes > MAX_IN_FLIGHT_BYTES && inFlight.size > 0)
        await whileHeartbeating(Promise.race(inFlight), heartbeat);
      metrics.lag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLag()));
    } finally {
      activeBatches--;
    }
  }

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const assigned = new Set<string>();
    for (const [topic, partitions] of Object.entries(payload.memberAssignment))
      for (const partition of partitions) assigned.add(partitionKey(topic, partition));
    tracker.retain(assigned);
    // offsets of partitions given away are no longer ours to commit; those kept go out now
    commits.retain(assigned);
  });

  return {
    async start(): Promise<void> {
      await consumer.subscribe({ topics: [deps.logsTopic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 8,
        eachBatch: handleBatch,
      });
    },
    async stop(): Promise<void> {
      // No more fetches; the batches in hand are written (a write retrying through a PostgreSQL
      // outage gives up instead) and their offsets committed while still in the group; then leave.
      stopping = true;
      try {
        consumer.pause([{ topic: deps.logsTopic }]);
      } catch {
        // not running (its start failed): nothing in hand
      }
      while (activeBatches > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await Promise.allSettled(inFlight);
      await commits.flush();
      await consumer.disconnect();
      await writes.drain();
    },
  };
}

/** The log saver as main.ts builds it; `consumer` must be of logsGroupId(config.saver.groupId). */
export function createLogSaverFromConfig(
  config: Config,
  clients: Pick<LogSaverDeps, 'consumer' | 'producer' | 'pool' | 'metrics' | 'logger'>,
) {
  return createLogSaver({
    ...clients,
    logsTopic: config.kafka.logsTopic,
    deadLetterTopic: config.kafka.deadLetterTopic,
    groupId: logsGroupId(config.saver.groupId),
    batchSize: config.saver.batchSize,
    flushMs: config.saver.flushMs,
    concurrentWrites: config.saver.concurrentWrites,
    retryMaxMs: config.saver.retryMaxMs,
  });
}
