// watchConsumer against real kafkajs consumers on the test broker: a crash kafkajs will not restart
// from, a stop without a rejoin, and a crash it does restart from.
import type { AddressInfo } from 'node:net';
import { type Consumer, type Kafka, KafkaJSNonRetriableError, type Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { testConfig, uniqueName, waitFor } from '../../test/helpers';
import { kafkaWithTopics, silentLogger } from '../../test/kafka';
import { watchConsumer } from './consumer-health';
import { createProducer } from './kafka';
import { createLifecycle, type Lifecycle } from './lifecycle';
import { startStatusServer } from './service-setup';

describe('consumer health', () => {
  const config = testConfig();
  let kafka: Kafka;
  let producer: Producer;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });
  afterAll(async () => {
    await producer?.disconnect();
  });

  /** A consumer of the readings topic with its health watched, its exit recorded rather than taken. */
  async function watched(
    eachBatch: () => Promise<void>,
    options: { retries?: number; restart?: boolean; restartTimeoutMs?: number; startAgain?: boolean } = {},
  ) {
    const consumer: Consumer = kafka.consumer({
      groupId: uniqueName('health'),
      maxWaitTimeInMs: 100,
      retry: {
        retries: options.retries ?? 5,
        initialRetryTime: 100,
        restartOnFailure: async () => options.restart ?? true,
      },
    });
    const lifecycle: Lifecycle = createLifecycle(silentLogger, 5000);
    const exits: number[] = [];
    const health = watchConsumer(consumer, {
      logger: silentLogger,
      lifecycle,
      restartTimeoutMs: options.restartTimeoutMs ?? 60_000,
      exit: (code) => exits.push(code),
      restart: options.startAgain
        ? async () => {
            await consumer.connect();
            await consumer.subscribe({ topics: [config.kafka.readingsTopic], fromBeginning: true });
            await consumer.run({ eachBatch });
          }
        : undefined,
    });
    const server = await startStatusServer({
      checks: { consumer: health.check },
      registry: new Registry(),
      logger: silentLogger,
      port: 0,
      lifecycle,
    });
    const ready = async () => (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/ready`)).status;
    lifecycle.onShutdown('consumer', () => consumer.disconnect());
    cleanups.push(async () => {
      health.close();
      await lifecycle.shutdown('test end');
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [config.kafka.readingsTopic], fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({ eachBatch });
    await joined;
    return { consumer, health, lifecycle, exits, ready };
  }

  const produce = () =>
    producer.send({ topic: config.kafka.readingsTopic, acks: -1, messages: [{ key: 'k', value: 'v' }] });

  it('when eachBatch throws an error kafkajs will not retry (a TypeError), then /ready fails and the service exits 1', async () => {
    const w = await watched(async () => {
      throw new TypeError('a bug');
    });
    expect(await w.ready()).toBe(200);
    await produce();
    await waitFor(() => w.exits.length > 0, { what: 'the exit' });
    expect(w.exits).toEqual([1]);
    expect(w.lifecycle.stopping).toBe(true);
    await expect(w.health.check()).rejects.toThrow(/crashed without restart: .*a bug/);
  });

  it('when restartOnFailure says no, then the service exits 1', async () => {
    const w = await watched(
      async () => {
        throw new Error('Redis is down');
      },
      { retries: 0, restart: false },
    );
    await produce();
    await waitFor(() => w.exits.length > 0, { what: 'the exit' });
    expect(w.exits).toEqual([1]);
  });

  it('when the consumer stops and does not rejoin, then /ready answers 503 at once and the service exits 1 after the deadline', async () => {
    const w = await watched(async () => undefined, { restartTimeoutMs: 2000 });
    await w.consumer.stop();
    expect(await w.ready()).toBe(503);
    expect(w.exits).toEqual([]);
    await waitFor(() => w.exits.length > 0, { what: 'the exit after the deadline' });
    expect(w.exits).toEqual([1]);
  });

  it('when the consumer stops for good because Kafka was out of reach, then the service starts it again and nothing exits', async () => {
    // kafkajs' own words when its join finds no coordinator (a refused connection while the broker
    // restarts), thrown once from eachBatch: the crash and the start again are kafkajs' and the broker's
    let failures = 1;
    let consumed = 0;
    const w = await watched(
      async () => {
        if (failures-- > 0) {
          // kafkajs exports the class without its constructor's argument in its types: the same name will do
          const cause = Object.assign(new Error('Failed to find group coordinator'), {
            name: 'KafkaJSGroupCoordinatorNotFound',
          });
          // the retrier's own wrapping (kafkajs/src/retry): the cause in the options its types leave out
          throw new (KafkaJSNonRetriableError as unknown as new (e: Error, o: { cause: Error }) => Error)(cause, {
            cause,
          });
        }
        consumed++;
      },
      { startAgain: true, restartTimeoutMs: 30_000 },
    );
    const crashed = new Promise<boolean>((resolve) =>
      w.consumer.on(w.consumer.events.CRASH, (e) => resolve(e.payload.restart)),
    );
    const rejoined = new Promise<void>((resolve) => w.consumer.on(w.consumer.events.GROUP_JOIN, () => resolve()));
    await produce();
    expect(await crashed).toBe(false);
    await rejoined;
    await waitFor(() => consumed > 0, { what: 'the message consumed after the start again', timeoutMs: 30_000 });
    await waitFor(async () => (await w.ready()) === 200, { what: '/ready back to 200' });
    expect(w.exits).toEqual([]);
  });

  it('when kafkajs restarts a crashed consumer and it rejoins, then /ready recovers and nothing exits', async () => {
    let failures = 1;
    const w = await watched(
      async () => {
        if (failures-- > 0) throw new Error('transient');
      },
      { retries: 0, restart: true, restartTimeoutMs: 20_000 },
    );
    const crashed = new Promise<boolean>((resolve) =>
      w.consumer.on(w.consumer.events.CRASH, (e) => resolve(e.payload.restart)),
    );
    const rejoined = new Promise<void>((resolve) => w.consumer.on(w.consumer.events.GROUP_JOIN, () => resolve()));
    await produce();
    expect(await crashed).toBe(true);
    await rejoined;
    await waitFor(async () => (await w.ready()) === 200, { what: '/ready back to 200' });
    expect(w.exits).toEqual([]);
  });
});
