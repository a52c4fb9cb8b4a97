// The Redis side of the processor against real Redis (and Kafka for the outbox): replays of Kafka
// offsets, client re-sends in every order, the dedup window, state per readings topic, and an outbox
// drained by two owners at once.
import Redis from 'ioredis';
import type { Kafka, Producer } from 'kafkajs';
import { type Config, createProducer, eventCodec, type Reading, type SensorEvent } from '../../shared/src';
import { testConfig, uniqueName } from '../../test/helpers';
import { kafkaWithTopics, readTopic, type TopicReader } from '../../test/kafka';
import { reading } from '../../test/readings';
import { toReadings } from '../../receiver/src/reading-ids';
import type { ChunkItem } from './chunk-plan';
import { createRuleBook } from './rule-book';
import { createStreakStore, type StreakStore } from './streak-store';

describe('streak store on real Redis', () => {
  const config = testConfig();
  const rules = createRuleBook(config.processor.rules);
  const item = (r: Reading, at: string | number): ChunkItem => ({ offset: String(at), reading: r });
  /** the event id of the default rule for a reading */
  const eventId = (readingId: string) => `${readingId}:temperature`;
  let kafka: Kafka;
  let producer: Producer;
  let redis: Redis;
  let events: TopicReader;

  const storeOf = (overrides: Partial<Parameters<typeof createStreakStore>[0]> = {}, c: Config = config) =>
    createStreakStore({
      redis,
      producer,
      keyPrefix: c.redis.keyPrefix,
      readingsTopic: c.kafka.readingsTopic,
      eventsTopic: c.kafka.eventsTopic,
      alarmsTopic: c.kafka.alarmsTopic,
      dedupWindowMs: c.processor.dedupWindowMs,
      ...overrides,
    });
  const counter = (store: StreakStore, partition: number, sensor: string) =>
    redis.hget(store.keys(partition).sensor(sensor), 'temperature');
  const eventsOf = (sensorId: string): SensorEvent[] =>
    events.messages.map((m) => eventCodec.decode(m.value)).filter((e) => e.sensorId === sensorId);

  /** What the receiver makes of a post with client ids (ids `c/<sensor>/<id>/<metric>`). */
  let clock = Date.parse('2026-11-22T10:00:00Z');
  const post = (sensorId: string, items: Array<[clientId: string, value: number]>): Reading[] => {
    clock += 1000;
    return toReadings(
      items.map(([clientId, value]) => ({ clientId, sensorId, metric: 'temperature', value, at: clock })),
      clock,
    );
  };
  /** Offsets in Kafka order, as the processor passes them. */
  let offset = 1000;
  const items = (readings: Reading[]): ChunkItem[] => readings.map((r) => item(r, offset++));
  const apply = (store: StreakStore, readings: Reading[], partition = 0) => {
    const chunk = items(readings);
    return store.apply(partition, chunk, chunk[chunk.length - 1].offset, rules);
  };
  /** the ids of the events waiting in the outbox (fields topic, key, value) */
  const outboxIds = async (store: StreakStore, partition = 0) =>
    (await redis.xrangeBuffer(store.keys(partition).outbox, '-', '+'))
      .filter(([, f]) => f[1].toString() === 'events')
      .map(([, f]) => eventCodec.decode(f[5]).id);

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

  it('when the same offsets are applied again (a redelivery), then nothing counts twice and no event repeats', async () => {
    const store = storeOf();
    const sensor = uniqueName('replay');
    const chunk = items([100, 100, 100, 100].map((t) => reading(sensor, t)));
    // the event and the alarm's raise; then the alarm's update
    expect(await store.apply(0, chunk.slice(0, 3), chunk[2].offset, rules)).toMatchObject({
      raised: 1,
      transitions: 1,
      pending: 2,
    });
    // redelivered from an older committed offset, then one new reading
    expect(await store.apply(0, chunk, chunk[3].offset, rules)).toMatchObject({
      raised: 0,
      transitions: 1,
      pending: 3,
    });
    expect(await counter(store, 0, sensor)).toBe('4');
    // what was raised waits in the outbox until drained, exactly once
    expect(await store.drainOutbox(0)).toBe(3);
    expect(await store.drainOutbox(0)).toBe(0);
    await events.until(() => eventsOf(sensor).length >= 1, 'one event');
    expect(eventsOf(sensor).map((e) => e.id)).toEqual([eventId((chunk[2] as { reading: Reading }).reading.id)]);
  });

  it('when a client posts the batch [1: 99, 2: 99] twice, then 3: 99, then the counter is 3 and the event carries reading 3', async () => {
    const store = storeOf();
    const s = uniqueName('issue8');
    await apply(
      store,
      post(s, [
        ['1', 99],
        ['2', 99],
      ]),
    );
    await apply(
      store,
      post(s, [
        ['1', 99],
        ['2', 99],
      ]),
    );
    const [third] = post(s, [['3', 99]]);
    expect((await apply(store, [third])).raised).toBe(1);
    expect(await counter(store, 0, s)).toBe('3');
    expect(await outboxIds(store)).toContain(eventId(third.id));
    expect(await outboxIds(store)).not.toContain(eventId(`c/${s}/1/temperature`));
  });

  it('when a client re-sends a reading after later readings, after a reset or out of order, then each counts once', async () => {
    const store = storeOf();
    // retry of 1 after 2: one run of two warnings, no event
    const a = uniqueName('after-later');
    await apply(store, post(a, [['1', 99]]));
    await apply(store, post(a, [['2', 99]]));
    expect((await apply(store, post(a, [['1', 99]]))).raised).toBe(0);
    expect(await counter(store, 0, a)).toBe('2');

    // a late retry of a warning after a reset: the reset stands
    const b = uniqueName('after-reset');
    await apply(
      store,
      post(b, [
        ['1', 99],
        ['2', 99],
        ['3', 10],
      ]),
    );
    await apply(store, post(b, [['2', 99]]));
    expect(await counter(store, 0, b)).toBe('0');

    // compat posts retried out of order, several copies each, all in one chunk and across chunks
    const c = uniqueName('out-of-order');
    await apply(store, [...post(c, [['1', 99]]), ...post(c, [['2', 99]]), ...post(c, [['1', 99]])]);
    await apply(store, [...post(c, [['2', 99]]), ...post(c, [['1', 99]]), ...post(c, [['2', 99]])]);
    expect(await counter(store, 0, c)).toBe('2');
    const [three] = post(c, [['3', 99]]);
    await apply(store, [three, ...post(c, [['3', 99]]), ...post(c, [['1', 99]])]);
    expect(await counter(store, 0, c)).toBe('3');
    expect((await outboxIds(store)).filter((id) => id.startsWith(`c/${c}/`))).toEqual([eventId(three.id)]);
  });

  it('when a copy comes within the dedup window it is ignored; once the partition has moved past the window, it counts again', async () => {
    const store = storeOf({ dedupWindowMs: 60_000 });
    const partition = 5;
    const dedup = store.keys(partition).dedup;
    const s = uniqueName('window');
    const [first] = post(s, [['1', 99]]);
    await apply(store, [first], partition);
    await apply(store, [{ ...first, receivedAt: first.receivedAt + 59_000 }], partition);
    expect(await counter(store, partition, s)).toBe('1');
    expect(await redis.zcard(dedup)).toBe(1);
    // any reading of the partition received more than the window after the first copy prunes it
    await apply(store, [{ ...reading(uniqueName('other'), 10), receivedAt: first.receivedAt + 61_000 }], partition);
    expect(await redis.zcard(dedup)).toBe(0);
    await apply(store, [{ ...first, receivedAt: first.receivedAt + 62_000 }], partition);
    expect(await counter(store, partition, s)).toBe('2');
  });

  it('when readings are not from a client id, then they take no room in the dedup set', async () => {
    const store = storeOf();
    const before = await redis.zcard(store.keys(2).dedup);
    const s = uniqueName('server-ids');
    await apply(store, [reading(s, 99), reading(s, 99)], 2);
    expect(await redis.zcard(store.keys(2).dedup)).toBe(before);
    expect(await counter(store, 2, s)).toBe('2');
  });

  it('when a new readings topic starts at offset 0 on a Redis holding the old topic state, then its readings count', async () => {
    const s = uniqueName('new-topic');
    const old = storeOf();
    await apply(old, [reading(s, 99), reading(s, 99)]);
    const next = storeOf({ readingsTopic: `${config.kafka.readingsTopic}-v2` });
    await next.apply(0, [item(reading(s, 99), 0)], '0', rules);
    expect(await counter(next, 0, s)).toBe('1');
    expect(await counter(old, 0, s)).toBe('2');
  });

  it('when a stale owner drains while the new owner drains and appends, then no event is removed unsent', async () => {
    const stale = uniqueName('stale');
    const fresh = uniqueName('fresh');
    // the stale owner's send hangs until released
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    let sending!: () => void;
    const inSend = new Promise<void>((r) => {
      sending = r;
    });
    const slowProducer = {
      sendBatch: async (batch: Parameters<Producer['sendBatch']>[0]) => {
        sending();
        await released;
        return producer.sendBatch(batch);
      },
    } as unknown as Producer;
    const staleOwner = storeOf({ producer: slowProducer });
    const newOwner = storeOf();
    await apply(newOwner, [reading(stale, 99), reading(stale, 99), reading(stale, 99)], 1);
    // one round: by the next it knows the partition is no longer its own
    let rounds = 0;
    const staleDrain = staleOwner.drainOutbox(1, () => rounds++ === 0);
    await inSend; // it read the outbox and is sending
    expect(await newOwner.drainOutbox(1)).toBe(2);
    const appended = [reading(fresh, 99), reading(fresh, 99), reading(fresh, 99)];
    await apply(newOwner, appended, 1);
    release();
    await staleDrain;
    // the new owner's event is still there, and is sent when the new owner drains
    expect(await outboxIds(newOwner, 1)).toEqual([eventId(appended[2].id)]);
    // the event and the alarm's raise
    expect(await newOwner.drainOutbox(1)).toBe(2);
    await events.until(() => eventsOf(fresh).length === 1 && eventsOf(stale).length >= 1, 'both events');
  });
});
