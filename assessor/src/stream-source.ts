// Where the live stream's messages come from: a Kafka consumer of this assessor instance alone, on the
// readings, events and alarms topics. Its group id is unique to the instance (prefix, host, pid and a
// random part), so every instance gets every partition and thus every update it may have to forward;
// it never commits: the stream is "from now on", history is the API's, and a restarted instance
// starts at the latest offsets again.
//
// Within one instance, though, "from now on" must hold across rebalances and consumer restarts. A
// group without committed offsets resolves each partition it is given to the latest offset again, so
// a rejoin (a broker restart, a missed heartbeat, a crash kafkajs restarts) would skip what was
// produced meanwhile. The source therefore keeps its own position of every partition: the high
// watermarks read before its first consumer starts, then the offset after the last message handled;
// on each group join it seeks the assigned partitions there.
// A reading is on the readings topic when the receiver answers 200, so it reaches the stream one
// fetch later (at most 100 ms when the topic is idle), whether or not the saver has stored it yet.
//
// Readings of sensors no client selected are skipped by their key (the sensor id) before decoding;
// commands (an operator's clear, framed with their own schema id on the readings topic) are skipped by
// their schema id. Messages are decoded and checked as the saver does (decodeReading, decodeEvent,
// decodeAlarm); what does not decode is counted and left out: the saver dead-letters it.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import {
  createConsumer,
  decodeAlarm,
  decodeEvent,
  decodeReading,
  ensurePipelineTopics,
  type KafkaConfig,
  type Logger,
  PoisonMessageError,
  retryUntilDone,
  SCHEMA_IDS,
  schemaIdOf,
} from '../../shared/src';
import type { StreamSink } from './live-stream';
import type { StreamMetrics } from './stream-metrics';

/** Messages handed to the streams between two turns of the event loop. */
const YIELD_EVERY = 500;

export interface StreamSource {
  /** Starts consuming in the background (retrying while Kafka is away); returns at once. */
  start(): void;
  /** Resolves once the consumer has joined its group and its first fetch has returned: positioned. */
  ready(): Promise<void>;
  /** Stops the consumer and leaves its group. */
  stop(): Promise<void>;
  readonly groupId: string;
}

/** A group id of this instance alone. */
export function streamGroupId(prefix: string, random: () => string = () => randomUUID().slice(0, 8)): string {
  const host = os
    .hostname()
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 64);
  return `${prefix}-${host}-${process.pid}-${random()}`;
}

export function createStreamSource(deps: {
  kafka: Kafka;
  config: KafkaConfig;
  groupId: string;
  sink: StreamSink;
  metrics: StreamMetrics;
  logger: Logger;
}): StreamSource {
  const { kafka, config, sink, metrics, groupId } = deps;
  const logger = deps.logger.child({ module: 'assessor.stream-source', groupId });
  let consumer: Consumer | undefined;
  /** ends the wait of the running consumer (a crash without restart, or stop()) */
  let wake: () => void = () => undefined;
  let stopping = false;
  let running: Promise<void> | undefined;
  let markReady: () => void = () => undefined;
  let readyPromise = new Promise<void>((resolve) => (markReady = resolve));
  /** next offset to hand on, per "topic:partition": this instance's own, never committed */
  const positions = new Map<string, string>();
  const topics = [config.readingsTopic, config.eventsTopic, config.alarmsTopic];

  // a message that fails is left out, never retried: a retried batch would repeat its messages on the streams
  const leftOut = (kind: string, err: unknown) => {
    metrics.undecodable.inc({ kind });
    if (!(err instanceof PoisonMessageError)) logger.error({ err, kind }, 'stream message could not be forwarded');
  };

  const eachBatch = async ({ batch }: EachBatchPayload) => {
    const topic = batch.topic;
    const last = batch.messages.at(-1);
    if (last) positions.set(`${topic}:${batch.partition}`, (BigInt(last.offset) + 1n).toString());
    let handled = 0;
    for (const message of batch.messages) {
      // a fetch may hold thousands of messages: let the sockets drain (and other requests run) meanwhile
      if (++handled % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
      try {
        if (topic === config.readingsTopic) {
          if (schemaIdOf(message.value) === SCHEMA_IDS.commandV1) {
            metrics.consumed.inc({ kind: 'skipped' });
            continue;
          }
          // the key is the sensor id: a reading nobody watches is not decoded (foreign keys are decoded)
          const key = message.key?.toString('utf8');
          if (key !== undefined && !sink.wantsReadingsOf(key)) {
            metrics.consumed.inc({ kind: 'skipped' });
            continue;
          }
          metrics.consumed.inc({ kind: 'reading' });
          sink.reading(decodeReading(message.value));
        } else if (topic === config.eventsTopic) {
          metrics.consumed.inc({ kind: 'event' });
          sink.event(decodeEvent(message.value));
        } else if (topic === config.alarmsTopic) {
          metrics.consumed.inc({ kind: 'alarm' });
          sink.alarm(decodeAlarm(message.value));
        }
      } catch (err) {
        leftOut(topic === config.readingsTopic ? 'reading' : topic === config.eventsTopic ? 'event' : 'alarm', err);
      }
    }
  };

  /** One consumer's life: connect, subscribe, run until it crashes for good (resolves) or we stop. */
  const runOnce = async (): Promise<void> => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensurePipelineTopics(admin, config, logger);
      // the first consumer starts where the topics end now; later ones where the last one stopped
      for (const topic of topics) {
        for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
          if (!positions.has(`${topic}:${partition}`)) positions.set(`${topic}:${partition}`, high);
        }
      }
    } finally {
      await admin.disconnect();
    }
    const c = createConsumer(kafka, config, groupId);
    consumer = c;
    let joined = false;
    const gone = new Promise<void>((resolve) => (wake = resolve));
    c.on(c.events.GROUP_JOIN, ({ payload }) => {
      // seeks are applied by the next fetch, before the FETCH event that marks the source ready
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
        for (const partition of partitions) {
          const offset = positions.get(`${topic}:${partition}`);
          if (offset !== undefined) c.seek({ topic, partition, offset });
        }
      }
      joined = true;
    });
    c.on(c.events.FETCH, () => {
      if (joined) markReady();
    });
    c.on(c.events.CRASH, (e) => {
      if (e.payload.restart) {
        logger.warn({ err: e.payload.error.message }, 'stream consumer crashed; kafkajs restarts it');
        return;
      }
      logger.error({ err: e.payload.error.message }, 'stream consumer crashed; starting a new one');
      wake();
    });
    await c.connect();
    await c.subscribe({ topics, fromBeginning: false });
    await c.run({ autoCommit: false, eachBatch });
    logger.info('stream consumer running');
    if (!stopping) await gone;
    await c.disconnect().catch(() => undefined);
  };

  return {
    groupId,
    start() {
      if (running) return;
      running = (async () => {
        while (!stopping) {
          try {
            await retryUntilDone(runOnce, {
              initialMs: 500,
              maxMs: 5000,
              shouldContinue: () => !stopping,
              onRetry: (err, attempt, waitMs) =>
                logger.warn({ err: (err as Error).message, attempt, waitMs }, 'stream consumer not started; retrying'),
            });
          } catch (err) {
            if (!stopping) logger.error({ err }, 'stream consumer failed');
          }
          // a consumer that crashed for good: the next one seeks to the positions kept above
          readyPromise = new Promise<void>((resolve) => (markReady = resolve));
          await consumer?.disconnect().catch(() => undefined);
        }
      })();
    },
    ready: () => readyPromise,
    async stop() {
      stopping = true;
      wake();
      await consumer?.disconnect().catch((err: unknown) => logger.warn({ err }, 'stream consumer disconnect failed'));
      await running;
      markReady();
    },
  };
}
