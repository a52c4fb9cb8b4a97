// The Kafka limits: raw kafkajs sendBatch of the receiver's records (which also pre-loads the topic
// the processor and saver phases consume), and raw kafkajs consumption of that topic.
import { randomUUID } from 'node:crypto';
import type { Message } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import { createConsumer, createProducer, pipelineTopics, type Reading, readingCodec } from '../../shared/src';
import { seededRandom } from '../../tester/src/seeded-random';
import type { BenchContext } from './bench-context';
import type { RateFigure } from './bench-result';
import { createBodyGenerator, type SimulatedReading } from './reading-bodies';

/** The receiver keeps each send under half the broker's 1 MiB message.max.bytes (receiver/src/kafka-publisher.ts). */
export const MAX_SEND_BYTES = 512 * 1024;

/** A message's size as the receiver counts it against MAX_SEND_BYTES. Pure. */
export const messageBytes = (m: Message): number => (m.value as Buffer).length + String(m.key ?? '').length + 32;

/** Readings as the receiver makes them from the simulator's bodies: UUIDv7 ids, times of receipt. */
export function readingSource(sensorPrefix: string, seed: number): (count: number) => Reading[] {
  const bodies = createBodyGenerator(
    {
      sensors: 1000,
      sensorPrefix,
      metrics: ['temperature', 'humidity'],
      overThreshold: 0.3,
      mode: 'batch',
      batchSize: 500,
      clientIds: false,
    },
    seededRandom(seed),
  );
  let pending: SimulatedReading[] = [];
  let at = 0;
  return (count) => {
    const now = Date.now();
    const out: Reading[] = [];
    while (out.length < count) {
      if (at === pending.length) {
        pending = bodies.next().readings;
        at = 0;
      }
      const r = pending[at++];
      out.push({ id: uuidv7(), sensorId: r.sensorId, metric: r.metric, value: r.value, at: now, receivedAt: now });
    }
    return out;
  };
}

/** Most batches timed: their readings are made beforehand, and a bigger live heap would slow the GC. */
const TIMED_BATCHES = 60;
const LIMIT_ROUNDS = 3;

/**
 * Produces `total` readings to a fresh topic with the pipeline's partition count with an idempotent
 * producer (createProducer), acks -1, each reading encoded with readingCodec. The limit is timed on
 * the receiver's best case: sends as large as its group commit makes them under load (up to `batch`
 * readings, its RECEIVER_PRODUCE_BATCH_MAX default, and under MAX_SEND_BYTES), one in flight, the next
 * one encoded meanwhile. Up to TIMED_BATCHES x `batch` readings are made before the clock starts
 * (the receiver gets its readings from HTTP) and timed in LIMIT_ROUNDS rounds after a warm-up; the
 * limit is the best round. The rest of the pre-load is sent untimed.
 */
export async function measureSendBatch(
  ctx: BenchContext,
  topic: string,
  total: number,
  batch: number,
): Promise<RateFigure> {
  // partitions, replication and min.insync.replicas as the pipeline's own topics on this cluster
  const [spec] = pipelineTopics(ctx.config.kafka, (await ctx.admin.describeCluster()).brokers.length);
  await ctx.admin.createTopics({ topics: [{ ...spec, topic }], waitForLeaders: true });
  const next = readingSource(`bench-${ctx.runId}-pre-`, 7);
  const toMessage = (r: Reading): Message => ({ key: r.sensorId, value: readingCodec.encode(r) });
  const producer = createProducer(ctx.kafka);
  await producer.connect();
  let sends = 0;
  let sentMessages = 0;
  const sendOne = (messages: Message[]) => {
    sends += 1;
    sentMessages += messages.length;
    return producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] }).then(() => undefined);
  };
  /** encodes and sends `readings` in full sends, one in flight */
  const stream = async (readings: Reading[]) => {
    let inFlight: Promise<void> = Promise.resolve();
    let pending: Message[] = [];
    let bytes = 0;
    for (const r of readings) {
      const m = toMessage(r);
      const size = messageBytes(m);
      if (pending.length && (pending.length >= batch || bytes + size > MAX_SEND_BYTES)) {
        await inFlight;
        inFlight = sendOne(pending);
        pending = [];
        bytes = 0;
      }
      pending.push(m);
      bytes += size;
    }
    await inFlight;
    if (pending.length) await sendOne(pending);
  };
  try {
    const warmup = Math.min(3 * batch, Math.floor(total / 10));
    await stream(next(warmup));
    const timedTotal = Math.min(TIMED_BATCHES * batch, total - warmup);
    // rounds, the best of which is the limit: on a shared machine a limit is what it managed at best
    const rounds: number[] = [];
    let seconds = 0;
    sends = 0;
    sentMessages = 0;
    for (let done = 0; done < timedTotal;) {
      const readings = next(Math.min(Math.ceil(timedTotal / LIMIT_ROUNDS), timedTotal - done));
      done += readings.length;
      const start = performance.now();
      await stream(readings);
      const s = (performance.now() - start) / 1000;
      rounds.push(readings.length / s);
      seconds += s;
    }
    const perRequest = sends ? sentMessages / sends : 0;
    for (let sent = warmup + timedTotal; sent < total; sent += batch) await stream(next(Math.min(batch, total - sent)));
    return { items: timedTotal, seconds, perSecond: Math.max(...rounds), rounds, perRequest };
  } finally {
    await producer.disconnect();
  }
}

/**
 * Reads `topic` from the beginning with a plain consumer group (createConsumer, every partition at
 * once like the processor) decoding every value, until `total` readings were seen. Timed from the first batch.
 */
export async function measureConsume(ctx: BenchContext, topic: string, total: number): Promise<RateFigure> {
  const groupId = `bench-${ctx.runId}-raw-consume-${randomUUID().slice(0, 8)}`;
  const consumer = createConsumer(ctx.kafka, ctx.config.kafka, groupId, 100);
  let seen = 0;
  let firstAt = 0;
  let firstCount = 0;
  let doneAt = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: ctx.config.kafka.partitions,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) readingCodec.decode(m.value);
        if (firstAt === 0) {
          firstAt = performance.now();
          firstCount = batch.messages.length;
        }
        seen += batch.messages.length;
        if (seen >= total && doneAt === 0) {
          doneAt = performance.now();
          resolveDone();
        }
      },
    });
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`raw consume saw ${seen} of ${total} readings`)),
        ctx.plan.drainTimeoutS * 1000,
      ).unref(),
    );
    await Promise.race([done, timeout]);
  } finally {
    await consumer.disconnect();
  }
  const seconds = (doneAt - firstAt) / 1000;
  return { items: seen - firstCount, seconds, perSecond: (seen - firstCount) / seconds };
}
