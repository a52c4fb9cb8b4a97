// The processor against real Kafka and Redis: counting and event semantics of the contract,
// replays, the outbox, and poison messages.
import Redis from 'ioredis';
import type { Kafka, Producer } from 'kafkajs';
import { createProducer, eventCodec, type SensorEvent } from '../../shared/src';
import { testConfig, uniqueName, waitFor } from '../../test/helpers';
import { kafkaWithTopics, readTopic, type TopicReader } from '../../test/kafka';
import { produceReadings, reading } from '../../test/readings';
import { startProcessor } from '../../test/services';
import { evaluate, rulesByMetric } from './reading-evaluation';
import { createStreakStore } from './streak-store';

const ORIGINAL_SEQUENCE = [10, 100, 97, 99, 10, 100, 107, 98];

describe('processor with real Kafka and Redis', () => {
  const config = testConfig({
    PROCESSOR_RULES: JSON.stringify([
      { metric: 'temperature', comparison: '>=', threshold: 95, warningsForEvent: 3 },
      { metric: 'humidity', comparison: '<', threshold: 10, warningsForEvent: 2 },
    ]),
  });
  let kafka: Kafka;
  let producer: Producer;
  let redis: Redis;
  let events: TopicReader;
  const eventsOf = (sensorId: string): SensorEvent[] =>
    events.messages.map((m) => eventCodec.decode(m.value)).filter((e) => e.sensorId === sensorId);

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
        id: readings[3].id,
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
      await waitFor(
        async () => (await redis.hget(`${config.redis.keyPrefix}warnings:${sensor}`, 'temperature')) === '3',
        {
          what: 'counter 3',
        },
      );
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
      const counters = await redis.hgetall(`${config.redis.keyPrefix}warnings:${sensor}`);
      expect([counters.temperature, counters.humidity, counters.pressure]).toEqual(['3', '3', undefined]);
    } finally {
      await processor.stop();
    }
  });

  it('when the same readings are applied again (a redelivery), then nothing counts twice and no event repeats', async () => {
    const producerForStore = createProducer(kafka);
    await producerForStore.connect();
    const store = createStreakStore({
      redis,
      producer: producerForStore,
      keyPrefix: config.redis.keyPrefix,
      readingsTopic: config.kafka.readingsTopic,
      eventsTopic: config.kafka.eventsTopic,
    });
    try {
      const sensor = uniqueName('replay');
      const rules = rulesByMetric(config.processor.rules);
      const evaluated = [100, 100, 100, 100].map((t, i) => evaluate(reading(sensor, t), String(100 + i), rules)!);
      expect(await store.apply(0, evaluated.slice(0, 3))).toBe(1);
      // redelivered from an older committed offset, then one new reading
      expect(await store.apply(0, evaluated)).toBe(0);
      expect(await redis.hget(store.warningsKey(sensor), 'temperature')).toBe('4');
      // the event raised is waiting in the outbox until drained, exactly once
      expect(await store.drainOutbox(0)).toBe(1);
      expect(await store.drainOutbox(0)).toBe(0);
      await events.until(() => eventsOf(sensor).length >= 1, 'one event');
      expect(eventsOf(sensor).map((e) => e.id)).toEqual([evaluated[2].reading.id]);
    } finally {
      await producerForStore.disconnect();
    }
  });

  it('when an event was applied but not sent before a crash, then the next owner of the partition sends it', async () => {
    const sensor = uniqueName('outbox');
    const crashed = createProducer(kafka);
    await crashed.connect();
    const store = createStreakStore({
      redis,
      producer: crashed,
      keyPrefix: config.redis.keyPrefix,
      readingsTopic: config.kafka.readingsTopic,
      eventsTopic: config.kafka.eventsTopic,
    });
    const rules = rulesByMetric(config.processor.rules);
    // Find the partition the sensor's readings land in by producing one normal reading first.
    const reader = await readTopic(kafka, config.kafka.readingsTopic);
    await produceReadings(producer, config.kafka.readingsTopic, [reading(sensor, 1)]);
    await reader.until((m) => m.some((x) => x.key?.toString() === sensor), 'the probe reading');
    const partition = reader.messages.find((x) => x.key?.toString() === sensor)!.partition;
    await reader.close();
    // "crash": the script ran (counter moved, event in the outbox) but the event was never sent
    const lost = [100, 100, 100].map((t, i) => evaluate(reading(sensor, t), String(900000 + i), rules)!);
    expect(await store.apply(partition, lost)).toBe(1);
    await crashed.disconnect();

    const processor = await startProcessor(config, kafka);
    try {
      await produceReadings(producer, config.kafka.readingsTopic, [reading(sensor, 1)]);
      await events.until(() => eventsOf(sensor).length >= 1, 'the outboxed event');
      expect(eventsOf(sensor).map((e) => e.id)).toEqual([lost[2].reading.id]);
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
