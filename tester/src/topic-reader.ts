// Reading what the pipeline wrote to a Kafka topic: a fresh consumer group reads the topic from the
// beginning (or from a position taken before the test sent anything, which reads the same messages of
// a fresh sensor without scanning a long topic) and keeps the decoded messages of the keys asked for,
// until a predicate over them holds and the read has caught up with the end of the topic as it was
// then (so "exactly these" is checked against everything written before), or until the timeout.
// Offsets are never committed.
import { randomUUID } from 'node:crypto';
import { type Admin, type Kafka, Partitioners } from 'kafkajs';
import { connectionErrorCode, DependencyError } from './dependency-error';

/** Where to start reading, per partition: what position() returned. */
export type TopicPosition = ReadonlyArray<{ partition: number; offset: string }>;

export interface CollectOptions<T> {
  /** start here instead of at the beginning (partitions not listed start at the beginning) */
  from?: TopicPosition;
  /** message keys (sensor ids) whose messages are kept */
  keys: readonly string[];
  /** stop once this holds (and the read caught up) */
  until: (byKey: ReadonlyMap<string, readonly T[]>) => boolean;
  timeoutMs: number;
}

export interface Collected<T> {
  /** the decoded messages of each key, in partition order */
  byKey: Map<string, T[]>;
  /** whether `until` held before the timeout */
  satisfied: boolean;
  /** whether the read then reached the end offsets of every partition */
  caughtUp: boolean;
  /** '' when satisfied, else " (incomplete after N ms)", for failure messages */
  note: string;
}

export interface TopicReader<T> {
  topic: string;
  collect(options: CollectOptions<T>): Promise<Collected<T>>;
  /** how many partitions the topic has */
  partitionCount(): Promise<number>;
  /** the end of every partition now: collect({ from }) then reads only what is written after */
  position(): Promise<TopicPosition>;
}

export function createTopicReader<T>(
  kafka: Kafka,
  topic: string,
  decode: (value: Buffer | null) => T,
  brokers: readonly string[],
): TopicReader<T> {
  const where = `Kafka at ${brokers.join(',')}`;
  const kafkaError = (err: unknown, doing: string): DependencyError => {
    if (err instanceof DependencyError) return err;
    const code = connectionErrorCode(err);
    const message = (err as Error).message ?? String(err);
    if (code || /connect|ECONNREFUSED|retries/i.test(message)) {
      return new DependencyError(`${where} does not answer (${code ?? message})`);
    }
    return new DependencyError(`${where}: ${doing} failed: ${message}`);
  };

  const withAdmin = async <R>(doing: string, fn: (admin: Admin) => Promise<R>): Promise<R> => {
    const admin = kafka.admin({ retry: { retries: 1 } });
    try {
      await admin.connect();
      return await fn(admin);
    } catch (err) {
      throw kafkaError(err, doing);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };

  const collect = async (options: CollectOptions<T>): Promise<Collected<T>> => {
    const wanted = new Set(options.keys);
    const byKey = new Map<string, T[]>(options.keys.map((k) => [k, []]));
    const lastSeen = new Map<number, number>();
    const startOf = (partition: number) => Number(options.from?.find((p) => p.partition === partition)?.offset ?? 0);
    const groupId = `metrics-tester-${randomUUID()}`;
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250,
      retry: { retries: 2, initialRetryTime: 200 },
    });
    const admin = kafka.admin({ retry: { retries: 1 } });
    let settle: (error?: Error) => void = () => undefined;
    const settled = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    // settled may be rejected (a crash) before it is awaited below: not an unhandled rejection
    settled.catch(() => undefined);
    let satisfied = false;
    let caughtUp = false;
    let targets: Array<{ partition: number; high: string; low: string }> | undefined;
    let checking: Promise<void> | undefined;
    const check = (): Promise<void> => {
      checking ??= (async () => {
        if (!satisfied && options.until(byKey)) {
          satisfied = true;
          targets = await admin.fetchTopicOffsets(topic);
        }
        if (satisfied && targets && !caughtUp) {
          caughtUp = targets.every(
            ({ partition, high, low }) =>
              Number(high) <= Math.max(Number(low), startOf(partition)) ||
              (lastSeen.get(partition) ?? -1) >= Number(high) - 1,
          );
          if (caughtUp) settle();
        }
      })()
        .catch((err) => settle(kafkaError(err, `reading the end offsets of ${topic}`)))
        .finally(() => {
          checking = undefined;
        });
      return checking;
    };

    const timers: NodeJS.Timeout[] = [];
    try {
      try {
        await admin.connect();
        await consumer.connect();
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          if (!payload.restart) settle(kafkaError(payload.error, `reading ${topic}`));
        });
        await consumer.subscribe({ topic, fromBeginning: true });
      } catch (err) {
        throw kafkaError(err, `subscribing to ${topic}`);
      }
      timers.push(setTimeout(() => settle(), options.timeoutMs));
      timers.push(setInterval(() => void check(), 250));
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const start = startOf(batch.partition);
          for (const message of batch.messages) {
            const offset = Number(message.offset);
            // a seek may rewind after a first fetch: every offset counts once
            if (offset < start || offset <= (lastSeen.get(batch.partition) ?? -1)) continue;
            lastSeen.set(batch.partition, offset);
            const key = message.key?.toString();
            if (key === undefined || !wanted.has(key)) continue;
            try {
              byKey.get(key)?.push(decode(message.value));
            } catch (err) {
              settle(
                new Error(
                  `${topic} partition ${batch.partition} offset ${message.offset} (key ${key}) cannot be decoded: ${(err as Error).message}`,
                ),
              );
              return;
            }
          }
          await check();
        },
      });
      for (const { partition, offset } of options.from ?? []) consumer.seek({ topic, partition, offset });
      await settled;
      return { byKey, satisfied, caughtUp, note: satisfied ? '' : ` (incomplete after ${options.timeoutMs} ms)` };
    } finally {
      for (const timer of timers) clearTimeout(timer);
      await consumer.disconnect().catch(() => undefined);
      // leave no empty group behind on the broker
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  };

  const partitionCount = (): Promise<number> =>
    withAdmin(`reading the metadata of ${topic}`, async (admin) => {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const count = metadata.topics[0]?.partitions.length ?? 0;
      if (count === 0) throw new Error(`topic ${topic} has no partitions`);
      return count;
    });

  const position = (): Promise<TopicPosition> =>
    withAdmin(`reading the end offsets of ${topic}`, async (admin) =>
      (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ partition, offset: high })),
    );

  return { topic, collect, partitionCount, position };
}

/** The partition kafkajs's default partitioner (murmur2, as the services' producers use) gives a key. */
export function partitionForKey(key: string, partitionCount: number): number {
  const partitionMetadata = Array.from({ length: partitionCount }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));
  return Partitioners.DefaultPartitioner()({ topic: 'any', partitionMetadata, message: { key, value: null } });
}

/** The messages of one key, or none. */
export function messagesOf<T>(collected: Collected<T>, key: string): T[] {
  return collected.byKey.get(key) ?? [];
}
