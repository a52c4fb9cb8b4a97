// The processor against real Kafka and Redis: counting and event semantics of the contract, client
// re-sends, the outbox, and poison messages. (Replays and re-sends in every order against the store
// alone: streak-store.int.test.ts.)
import Redis from 'ioredis';
import type { Kafka, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import {
  createConsumer,
  createProducer,
  eventCodec,
  kafkaPartitionOf,
  readingCodec,
  type SensorEvent,
  sensorStateKey,
} from '../../shared/src';
import { testConfig, uniqueName, waitFor } from '../../test/helpers';
import { kafkaWithTopics, readTopic, silentLogger, type TopicReader } from '../../test/kafka';
import { produceReadings, reading } from '../../test/readings';
import { startProcessor } from '../../test/services';
import { toReadings } from '../../receiver/src/reading-ids';
import { createProcessor } from './processor';
import { createProcessorMetrics } from './processor-metrics';
import { createRuleBook } from './rule-book';
import { createStreakStore, type StreakStore } from './streak-store';

const ORIGINAL_SEQUENCE = [10, 100, 97, 99, 10, 100, 107, 98];

describe('processor with real Kafka and Redis', () => {
  const RULES = JSON.stringify([
    { metric: 'temperature', comparison: '>=', threshold: 95, warningsForEvent: 3 },
    { metric: 'humidity', comparison: '<', threshold: 10, warningsForEvent: 2 },
  ]);
  const config = testConfig({ PROCESSOR_RULES: RULES });
  let kafka: Kafka;
  let producer: Producer;
  let redis: Redis;
  let events: TopicReader;
  const eventsOf = (sensorId: string): SensorEvent[] =>
    events.messages.map((m) => eventCodec.decode(m.value)).filter((e) => e.sensorId === sensorId);
  const stateKey = (sensorId: string) =>
    sensorStateKey(config.redis.keyPrefix, config.kafka.readingsTopic, config.kafka.partitions, sensorId);
  const storeWith = (p: Producer): StreakStore =>
    createStreakStore({
      redis,
      producer: p,
      keyPrefix: config.redis.keyPrefix,
      readingsTopic: config.kafka.readingsTopic,
      eventsTopic: config.kafka.eventsTopic,
      alarmsTopic: config.kafka.alarmsTopic,
      dedupWindowMs: config.processor.dedupWindowMs,
    });

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
    redis = new Redis(config.redis.url);
    events = await readTopic(kafka, config.kafka.eventsTopic);
  });
  afterAll(async () => {
    await events?.close();
    await producer?.disconnect();
    redis?.disconnect();
  });

  it("when a sensor sends the original test's temperatures, then events carry 99 and 98 and the counter ends at 3", async () => {
    const processor = await startProcessor(config, kafka);
    try {
      const sensor = uniqueName('orig');
      const readings = ORIGINAL_SEQUENCE.map((t) => reading(sensor, t));
      await produceReadings(producer, config.kafka.readingsTopic, readings);
      await events.until(() => eventsOf(sensor).length >= 2, 'two events');
      const raised = eventsOf(sensor);
      expect(raised.map((e) => e.value)).toEqual([99, 98]);
      expect(raised[0]).toEqual({
        // one event per (reading, rule): the rule's name after the reading's id
        id: `${readings[3].id}:temperature`,
        sensorId: sensor,
        metric: 'temperature',
        type: 'TEMPERATURE_EXCEEDED',
        value: 99,
        at: readings[3].at,
        threshold: 95,
        rule: 'temperature >= 95',
        warningsForEvent: 3,
        readingId: readings[3].id,
      });
      await waitFor(async () => (await redis.hget(stateKey(sensor), 'temperature')) === '3', { what: 'counter 3' });
    } finally {
      await processor.stop();
    }
  });

  it('when metrics have their own rules, then each (sensor, metric) counts apart and metrics without a rule never warn', async () => {
    const processor = await startProcessor(config, kafka);
    try {
      const sensor = uniqueName('multi');
      const sequence = [
        reading(sensor, 99),
        reading(sensor, 5, 'humidity'),
        reading(sensor, 1000, 'pressure'),
        reading(sensor, 99),
        reading(sensor, 4, 'humidity'), // 2nd humidity warning: event
        reading(sensor, 99), // 3rd temperature warning: event
        reading(sensor, 3, 'humidity'), // 3rd in a row: no second event
      ];
      await produceReadings(producer, config.kafka.readingsTopic, sequence);
      await events.until(() => eventsOf(sensor).length >= 2, 'two events');
      const raised = eventsOf(sensor);
      expect(raised.map((e) => [e.type, e.value]).sort()).toEqual([
        ['HUMIDITY_EXCEEDED', 4],
        ['TEMPERATURE_EXCEEDED', 99],
      ]);
      const counters = await redis.hgetall(stateKey(sensor));
      expect([counters.temperature, counters.humidity, counters.pressure]).toEqual(['3', '3', undefined]);
    } finally {
      await processor.stop();
    }
  });

  it('when a client posts the batch [1: 99, 2: 99] twice and then 3: 99, then the counter is 3 and the one event carries reading 3', async () => {
    const processor = await startProcessor(config, kafka);
    try {
      const s = uniqueName('issue8');
      // what the receiver writes for each post (client ids → reading ids c/<sensor>/<id>/<metric>)
      const post = (items: Array<[string, number]>, receivedAt: number) =>
        toReadings(
          items.map(([clientId, value]) => ({ clientId, sensorId: s, metric: 'temperature', value, at: receivedAt })),
          receivedAt,
        );
      const t = Date.now();
      const batch: Array<[string, number]> = [
        ['1', 99],
        ['2', 99],
      ];
      await produceReadings(producer, config.kafka.readingsTopic, post(batch, t));
      await produceReadings(producer, config.kafka.readingsTopic, post(batch, t + 1000));
      await produceReadings(producer, config.kafka.readingsTopic, post([['3', 99]], t + 2000));
      await events.until(() => eventsOf(s).length >= 1, 'the event');
      await waitFor(async () => (await redis.hget(stateKey(s), 'temperature')) === '3', { what: 'counter 3' });
      // one more normal reading through the same partition: once it is counted, nothing else is pending
      await produceReadings(producer, config.kafka.readingsTopic, post([['4', 10]], t + 3000));
      await waitFor(async () => (await redis.hget(stateKey(s), 'temperature')) === '0', { what: 'the reset' });
      expect(eventsOf(s).map((e) => e.readingId)).toEqual([`c/${s}/3/temperature`]);
    } finally {
      await processor.stop();
    }
  });

  it("when a script's reply is lost and its re-run raises nothing, then the outbox is drained before the offsets are committed", async () => {
    const own = testConfig({ PROCESSOR_RULES: RULES });
    const ownKafka = await kafkaWithTopics(own);
    const ownEvents = await readTopic(ownKafka, own.kafka.eventsTopic);
    const ownProducer = createProducer(ownKafka);
    await ownProducer.connect();
    const store = createStreakStore({
      redis,
      producer: ownProducer,
      keyPrefix: own.redis.keyPrefix,
      readingsTopic: own.kafka.readingsTopic,
      eventsTopic: own.kafka.eventsTopic,
      alarmsTopic: own.kafka.alarmsTopic,
      dedupWindowMs: own.processor.dedupWindowMs,
    });
    // the script runs (counter moved, event in the outbox) but its reply never arrives, once
    let lost = false;
    const lossy: StreakStore = {
      ...store,
      async apply(partition, items, lastOffset, book) {
        const applied = await store.apply(partition, items, lastOffset, book);
        if (!lost && applied.raised > 0) {
          lost = true;
          throw new Error('Connection is closed.');
        }
        return applied;
      },
    };
    const consumer = createConsumer(ownKafka, own.kafka, own.processor.groupId);
    await consumer.connect();
    const processor = createProcessor({
      consumer,
      producer: ownProducer,
      store: lossy,
      rules: own.processor.rules,
      readingsTopic: own.kafka.readingsTopic,
      deadLetterTopic: own.kafka.deadLetterTopic,
      groupId: own.processor.groupId,
      chunkSize: own.processor.scriptChunk,
      partitions: own.kafka.partitions,
      retryMaxMs: own.processor.retryMaxMs,
      metrics: createProcessorMetrics(new Registry()),
      logger: silentLogger,
    });
    const admin = ownKafka.admin();
    await admin.connect();
    try {
      await processor.start();
      const s = uniqueName('lost-reply');
      const partition = kafkaPartitionOf(s, own.kafka.partitions);
      const warnings = [100, 100, 100].map((t) => reading(s, t));
      await produceReadings(ownProducer, own.kafka.readingsTopic, warnings);
      // once the offsets of those readings are committed, the event must have left the outbox
      const end = await admin.fetchTopicOffsets(own.kafka.readingsTopic);
      const high = end.find((p) => p.partition === partition)!.high;
      await waitFor(
        async () => {
          const [topic] = await admin.fetchOffsets({
            groupId: own.processor.groupId,
            topics: [own.kafka.readingsTopic],
          });
          return topic.partitions.find((p) => p.partition === partition)?.offset === high;
        },
        { what: 'the offsets committed' },
      );
      expect(lost).toBe(true);
      expect(await redis.xlen(store.keys(partition).outbox)).toBe(0);
      await ownEvents.until(
        (m) => m.some((x) => eventCodec.decode(x.value).sensorId === s),
        'the event of the lost reply',
      );
    } finally {
      await processor.stop();
      await admin.disconnect();
      await ownEvents.close();
      await ownProducer.disconnect();
    }
  });

  it('when an event was applied but not sent before a crash, then the next owner of the partition sends it', async () => {
    const sensor = uniqueName('outbox');
    const crashed = createProducer(kafka);
    await crashed.connect();
    const store = storeWith(crashed);
    const rules = createRuleBook(config.processor.rules);
    // "crash": a processor applied these readings (counter moved, event in the outbox) but neither sent
    // the event nor committed the offsets
    const lostReadings = [100, 100, 100].map((t) => reading(sensor, t));
    const [written] = await producer.send({
      topic: config.kafka.readingsTopic,
      acks: -1,
      messages: lostReadings.map((r) => ({ key: r.sensorId, value: readingCodec.encode(r) })),
    });
    const lost = lostReadings.map((reading, i) => ({ offset: String(Number(written.baseOffset) + i), reading }));
    expect(await store.apply(written.partition, lost, lost[2].offset, rules)).toMatchObject({ raised: 1, pending: 2 });
    await crashed.disconnect();

    const processor = await startProcessor(config, kafka);
    try {
      await produceReadings(producer, config.kafka.readingsTopic, [reading(sensor, 1)]);
      await events.until(() => eventsOf(sensor).length >= 1, 'the outboxed event');
      expect(eventsOf(sensor).map((e) => e.readingId)).toEqual([lost[2].reading.id]);
    } finally {
      await processor.stop();
    }
  });

  it('when a message is not our Avro, then it goes to the dead-letter topic with its origin and the next readings are processed', async () => {
    const processor = await startProcessor(config, kafka);
    const deadLetters = await readTopic(kafka, config.kafka.deadLetterTopic);
    try {
      const sensor = uniqueName('poison');
      await producer.send({
        topic: config.kafka.readingsTopic,
        acks: -1,
        messages: [{ key: sensor, value: '{"temperature": 99}' }],
      });
      await produceReadings(
        producer,
        config.kafka.readingsTopic,
        [100, 100, 100].map((t) => reading(sensor, t)),
      );
      await events.until(() => eventsOf(sensor).length >= 1, 'an event after the poison message');
      await deadLetters.until((m) => m.some((x) => x.key?.toString() === sensor), 'the dead letter');
      const dead = deadLetters.messages.find((x) => x.key?.toString() === sensor)!;
      expect(dead.value?.toString()).toBe('{"temperature": 99}');
      expect(dead.headers?.['x-origin-topic']?.toString()).toBe(config.kafka.readingsTopic);
      expect(dead.headers?.['x-consumer-group']?.toString()).toBe(config.processor.groupId);
      expect(dead.headers?.['x-error']?.toString()).toMatch(/magic byte/);
      expect(dead.headers?.['x-origin-offset']).toBeDefined();
    } finally {
      await deadLetters.close();
      await processor.stop();
    }
  });
});
