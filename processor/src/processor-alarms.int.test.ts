// Alarms end to end through the processor on real Kafka and Redis: several rules on one metric,
// hysteresis and clearAfter, an operator's clear in order with the readings, replays, rule sets
// changed at runtime on the rules topic, and silence alarms.
import Redis from 'ioredis';
import type { Kafka, Producer } from 'kafkajs';
import {
  type AlarmMessage,
  alarmCodec,
  commandCodec,
  createProducer,
  eventCodec,
  kafkaPartitionOf,
  type Reading,
  readingCodec,
  ruleSetCodec,
  type SensorCommand,
} from '../../shared/src';
import { testConfig, uniqueName, waitFor } from '../../test/helpers';
import { kafkaWithTopics, readTopic, type TopicReader } from '../../test/kafka';
import { produceReadings, reading } from '../../test/readings';
import { startProcessor } from '../../test/services';
import { createRuleBook } from './rule-book';
import { createStreakStore } from './streak-store';

const RULES = [
  { name: 'hot', metric: 'temperature', threshold: 95, warningsForEvent: 2, clearThreshold: 90, clearAfter: 2 },
  { name: 'burning', metric: 'temperature', threshold: 105, warningsForEvent: 2, severity: 'critical' },
  { name: 'silent', kind: 'silence', afterSeconds: 60, sensors: ['quiet-*'] },
];

describe('processor alarms with real Kafka and Redis', () => {
  const config = testConfig({ PROCESSOR_RULES: JSON.stringify(RULES), PROCESSOR_SILENCE_SWEEP_MS: '3600000' });
  let kafka: Kafka;
  let producer: Producer;
  let redis: Redis;
  let alarms: TopicReader;
  let events: TopicReader;
  const alarmsOf = (sensorId: string): AlarmMessage[] =>
    alarms.messages.map((m) => alarmCodec.decode(m.value)).filter((a) => a.sensorId === sensorId);
  const summary = (sensorId: string) => alarmsOf(sensorId).map((a) => [a.rule, a.transition, a.version]);

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
    redis = new Redis(config.redis.url);
    alarms = await readTopic(kafka, config.kafka.alarmsTopic);
    events = await readTopic(kafka, config.kafka.eventsTopic);
  });
  afterAll(async () => {
    await alarms?.close();
    await events?.close();
    await producer?.disconnect();
    redis?.disconnect();
  });

  const send = (sensor: string, values: number[]) =>
    produceReadings(
      producer,
      config.kafka.readingsTopic,
      values.map((v) => reading(sensor, v)),
    );

  it('when two rules watch one metric, then each raises and clears its own alarm; hysteresis and clearAfter hold', async () => {
    const processor = await startProcessor(config, kafka);
    try {
      const s = uniqueName('levels');
      // hot raises at 100; burning at 110; 92 is in hot's band (no clear), 89 ×2 clears hot
      await send(s, [100, 110, 111, 92, 89, 93, 89, 89]);
      await alarms.until(() => alarmsOf(s).filter((a) => a.transition === 'cleared').length >= 2, 'both clears');
      const all = alarmsOf(s);
      const byRule = (rule: string) => all.filter((a) => a.rule === rule).map((a) => a.transition);
      expect(byRule('burning')).toEqual(['raised', 'cleared']);
      // updates of one chunk are coalesced: at most one between the raise and the clear
      expect(byRule('hot')[0]).toBe('raised');
      expect(byRule('hot').at(-1)).toBe('cleared');
      const hotCleared = all.find((a) => a.rule === 'hot' && a.transition === 'cleared')!;
      expect(hotCleared).toMatchObject({
        severity: 'major',
        status: 'cleared',
        clearedBy: 'rule',
        value: 110,
        peak: 111,
      });
      const burning = all.find((a) => a.rule === 'burning')!;
      expect(burning).toMatchObject({ severity: 'critical', value: 111, type: 'TEMPERATURE_EXCEEDED' });
      expect(burning.id).not.toBe(hotCleared.id);
    } finally {
      await processor.stop();
    }
  });

  it("when an operator's clear is produced between readings, then it clears in order and the next run raises a new alarm", async () => {
    const processor = await startProcessor(config, kafka);
    try {
      const s = uniqueName('operator');
      await send(s, [100, 100]);
      await alarms.until(() => alarmsOf(s).length >= 1, 'the raise');
      const raised = alarmsOf(s)[0];
      const command: SensorCommand = {
        id: uniqueName('cmd'),
        kind: 'clear_alarm',
        sensorId: s,
        rule: 'hot',
        alarmId: raised.id,
        by: 'ops-token',
        comment: 'on it',
        at: Date.now(),
      };
      // warnings before the clear update the old alarm; the clear ends the run; two more raise anew
      const before = reading(s, 101);
      const after = [reading(s, 102), reading(s, 103)];
      await producer.send({
        topic: config.kafka.readingsTopic,
        acks: -1,
        messages: [
          { key: s, value: readingCodec.encode(before) },
          { key: s, value: commandCodec.encode(command) },
          ...after.map((r) => ({ key: s, value: readingCodec.encode(r) })),
        ],
      });
      await alarms.until(() => alarmsOf(s).filter((a) => a.transition === 'raised').length >= 2, 'a new alarm');
      const cleared = alarmsOf(s).find((a) => a.transition === 'cleared')!;
      expect(cleared).toMatchObject({ id: raised.id, clearedBy: 'ops-token', comment: 'on it', warnings: 3 });
      const second = alarmsOf(s).filter((a) => a.transition === 'raised')[1];
      expect(second.id).not.toBe(raised.id);
      expect(second).toMatchObject({ value: 103, warnings: 2, version: 1 });
    } finally {
      await processor.stop();
    }
  });

  it('when the same chunk is applied twice (a redelivery), then nothing is raised, cleared or counted twice', async () => {
    const book = createRuleBook(config.processor.rules);
    const store = createStreakStore({
      redis,
      producer,
      keyPrefix: `${config.redis.keyPrefix}replay:`,
      readingsTopic: config.kafka.readingsTopic,
      eventsTopic: config.kafka.eventsTopic,
      alarmsTopic: config.kafka.alarmsTopic,
      dedupWindowMs: config.processor.dedupWindowMs,
    });
    const s = uniqueName('twice');
    const items = [100, 110, 111, 50, 50].map((v, i) => ({ offset: String(i), reading: reading(s, v) }));
    const first = await store.apply(0, items, '4', book);
    expect(first).toMatchObject({ raised: 2, transitions: 4 });
    const again = await store.apply(0, items, '4', book);
    expect(again).toMatchObject({ raised: 0, transitions: 0, pending: first.pending });
    expect(await redis.hget(store.keys(0).sensor(s), 'hot')).toBe('0');
  });

  it('when a new rule set version is produced to the rules topic, then the processor applies it without a restart', async () => {
    const own = testConfig({ PROCESSOR_RULES: JSON.stringify(RULES) });
    const ownKafka = await kafkaWithTopics(own);
    const ownAlarms = await readTopic(ownKafka, own.kafka.alarmsTopic);
    const ownEvents = await readTopic(ownKafka, own.kafka.eventsTopic);
    const processor = await startProcessor(own, ownKafka);
    const delays: number[] = [];
    try {
      const s = uniqueName('runtime');
      const eventsOf = () => ownEvents.messages.map((m) => eventCodec.decode(m.value)).filter((e) => e.sensorId === s);
      // each version sets a threshold; a reading at that threshold with N = 1 raises an event only
      // once the version is applied: the time from the produce to that event is the delay
      for (let version = 1; version <= 20; version++) {
        const threshold = 1000 + version;
        const rules = [{ name: `v${version}`, metric: 'temperature', threshold, warningsForEvent: 1 }];
        const t0 = Date.now();
        await producer.send({
          topic: own.kafka.rulesTopic,
          acks: -1,
          messages: [{ key: 'rules', value: ruleSetCodec.encode({ version, rules: JSON.stringify(rules), at: t0 }) }],
        });
        await waitFor(
          async () => {
            await produceReadings(producer, own.kafka.readingsTopic, [reading(s, threshold)]);
            return eventsOf().some((e) => e.threshold === threshold) || undefined;
          },
          { what: `version ${version} applied`, timeoutMs: 10_000, intervalMs: 50 },
        );
        delays.push(Date.now() - t0);
      }
      delays.sort((a, b) => a - b);
      const p99 = delays[Math.ceil(delays.length * 0.99) - 1];
      process.stdout.write(`rule-set change → applied: median ${delays[10]} ms, p99 ${p99} ms over ${delays.length}\n`);
      expect(p99).toBeLessThan(5000);
      // a processor started now reads the newest version before its first reading
      const late = await startProcessor(
        { ...own, processor: { ...own.processor, groupId: `${own.processor.groupId}-2` } },
        ownKafka,
      );
      await late.stop();
      expect(ownAlarms.messages.length).toBeGreaterThan(0);
    } finally {
      await processor.stop();
      await ownAlarms.close();
      await ownEvents.close();
    }
  });

  it('when a sensor a silence rule watches goes quiet for afterSeconds, then a SENSOR_SILENT alarm is raised once, and its next reading clears it', async () => {
    let now = Date.now();
    const processor = await startProcessor(config, kafka, { clock: () => now });
    try {
      const s = `quiet-${uniqueName('s')}`;
      const last: Reading = { ...reading(s, 20), receivedAt: Date.now() };
      await produceReadings(producer, config.kafka.readingsTopic, [last]);
      const seenKey = createStreakStore({
        redis,
        producer,
        keyPrefix: config.redis.keyPrefix,
        readingsTopic: config.kafka.readingsTopic,
        eventsTopic: config.kafka.eventsTopic,
        alarmsTopic: config.kafka.alarmsTopic,
        dedupWindowMs: 1,
      }).keys(kafkaPartitionOf(s, config.kafka.partitions)).seen;
      await waitFor(async () => (await redis.zscore(seenKey, s)) !== null, { what: 'the sensor seen' });
      now = last.receivedAt + 59_000;
      await processor.sweepNow();
      expect(alarmsOf(s)).toEqual([]);
      now = last.receivedAt + 61_000;
      await processor.sweepNow();
      await processor.sweepNow();
      await alarms.until(() => alarmsOf(s).length >= 1, 'the silence alarm');
      expect(alarmsOf(s)[0]).toMatchObject({
        transition: 'raised',
        type: 'SENSOR_SILENT',
        rule: 'silent',
        metric: null,
        value: null,
        peak: null,
        raisedAt: last.receivedAt + 60_000,
      });
      await send(s, [21]);
      await alarms.until(() => alarmsOf(s).length >= 2, 'the clear');
      expect(summary(s)).toEqual([
        ['silent', 'raised', 1],
        ['silent', 'cleared', 2],
      ]);
      // a sensor no silence rule matches is never silent
      const other = uniqueName('loud');
      await send(other, [20]);
      now += 3_600_000;
      await processor.sweepNow();
      expect(alarmsOf(other)).toEqual([]);
    } finally {
      await processor.stop();
    }
  });
});
