// The saver's log lines: the logs topic, consumed by a consumer group of its own (SAVER_GROUP_ID plus
// "-logs") so a burst of logs never delays readings, events and alarms, and written in batches shared
// across partitions (group commit: SAVER_BATCH_SIZE rows or SAVER_FLUSH_MS). A partition's offsets are
// committed only once the transaction holding its lines has committed; a PostgreSQL outage is retried
// while heartbeating, and a value that is not a valid log line (shared/src/log-lines.ts) is dead-lettered.
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

  async function handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary } = payload;
    if (batch.messages.length === 0) return;
    const retry = (send: () => Promise<void>) => retryUntilDone(send, { shouldContinue: () => !stopping, heartbeat });
    const decoded = await decodeOrDeadLetter(batch, decodeLogLine, deadLetters, retry);
    const lines = decoded.map((d) => d.value);
    const chunks: Promise<void>[] = [];
    for (let i = 0; i < lines.length; i += deps.batchSize)
      chunks.push(writes.publish(lines.slice(i, i + deps.batchSize)));
    await whileHeartbeating(Promise.all(chunks), heartbeat);
    resolveOffset(batch.messages[batch.messages.length - 1].offset);
    await commitOffsetsIfNecessary();
    metrics.lag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLag()));
  }

  return {
    async start(): Promise<void> {
      await consumer.subscribe({ topics: [deps.logsTopic], fromBeginning: true });
      await consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 8,
        eachBatch: handleBatch,
      });
    },
    async stop(): Promise<void> {
      stopping = true;
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
