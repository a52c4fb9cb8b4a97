// The client against the real receiver on the real broker: readings posted gzip-compressed arrive in
// Kafka under their client ids; when answers are lost after the receiver stored a batch, the client's
// retries carry the same ids, so every reading is stored once; a 400 is not retried; 429 and 503 are
// retried no sooner than their Retry-After.
import type { Kafka, Producer } from 'kafkajs';
import { createPool, createProducer, readingCodec, type Reading } from '../../shared/src';
import { testConfig, uniqueName, waitFor } from '../../test/helpers';
import { kafkaWithTopics, readTopic, silentLogger, type TopicReader } from '../../test/kafka';
import { startSaver } from '../../test/services';
import { createClient, type RejectedEvent } from '../src';
import { startFaultProxy, type FaultProxy } from './http-fault-proxy';
import { type ListeningReceiver, startReceiver } from './receiver-in-process';

describe('client against the real receiver and Kafka', () => {
  const config = testConfig();
  let kafka: Kafka;
  let producer: Producer;
  let receiver: ListeningReceiver;
  let reader: TopicReader;
  const proxies: FaultProxy[] = [];

  const proxy = async (decide: Parameters<typeof startFaultProxy>[1]) => {
    const p = await startFaultProxy(receiver.url, decide);
    proxies.push(p);
    return p;
  };
  const readingsOf = (sensors: string[]): Reading[] =>
    reader.messages.map((m) => readingCodec.decode(m.value as Buffer)).filter((r) => sensors.includes(r.sensorId));

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
    receiver = await startReceiver(config, producer);
    reader = await readTopic(kafka, config.kafka.readingsTopic);
  });
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    await reader?.close();
    await receiver?.close();
    await producer?.disconnect();
  });

  it('when readings are recorded, then they reach Kafka gzip-compressed in batches, each under its client id', async () => {
    const seen = await proxy(() => 'forward');
    const client = createClient({ url: seen.url, maxItems: 100, maxWaitMs: 50, idEpoch: uniqueName('ep') });
    const sensors = [uniqueName('c'), uniqueName('c')];
    for (let i = 0; i < 150; i++)
      client.record(sensors[i % 2], { temperature: i, humidity: 50 }, 1_700_000_000_000 + i);
    await client.close();

    expect(client.stats()).toMatchObject({ recorded: 300, sent: 300, dropped: 0, rejected: 0, buffered: 0 });
    expect(seen.seen.length).toBe(3);
    for (const r of seen.seen) {
      expect(r.headers['content-encoding']).toBe('gzip');
      expect(r.upstreamStatus).toBe(200);
    }
    await reader.until((m) => m.length >= 300 && readingsOf(sensors).length >= 300, '300 readings');
    const readings = readingsOf(sensors);
    expect(readings).toHaveLength(300);
    const ids = readings.map((r) => r.id);
    expect(new Set(ids).size).toBe(300);
    for (const id of ids)
      expect(id).toMatch(new RegExp(`^c/c-[0-9a-f]{8}/${client.idEpoch}-[0-9a-z]+/(temperature|humidity)$`));
    const first = readings.find((r) => r.sensorId === sensors[0] && r.metric === 'temperature' && r.value === 0);
    expect(first?.at).toBe(1_700_000_000_000);
  });

  it('when answers are lost after the receiver stored the batch, then the retries carry the same ids and every reading is stored once', async () => {
    // the first four requests reach the receiver (and Kafka), their answers never reach the client
    const lossy = await proxy((n) => (n <= 4 ? 'lose-answer' : 'forward'));
    const client = createClient({
      url: lossy.url,
      maxItems: 50,
      maxWaitMs: 20,
      concurrency: 2,
      retry: { initialDelayMs: 20, maxDelayMs: 200 },
    });
    const sensors = [uniqueName('r'), uniqueName('r'), uniqueName('r')];
    const pool = createPool(config.postgres, silentLogger);
    const saver = await startSaver(config, kafka, { pool });
    try {
      for (let i = 0; i < 300; i++) client.record(sensors[i % 3], { temperature: i / 10 });
      await client.close();
      const stats = client.stats();
      expect(stats).toMatchObject({ recorded: 300, sent: 300, dropped: 0, rejected: 0 });
      expect(stats.retried).toBeGreaterThanOrEqual(4);
      expect(lossy.seen.filter((r) => r.upstreamStatus === 200).length).toBe(lossy.seen.length);

      // Kafka holds a second copy of the batches whose answers were lost: the same ids, the same values
      await reader.until((m) => m.length > 0 && readingsOf(sensors).length >= 300 + 4 * 50, 'the copies in Kafka');
      const copies = readingsOf(sensors);
      const byId = new Map<string, Reading[]>();
      for (const r of copies) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
      expect(byId.size).toBe(300);
      expect(copies.length).toBeGreaterThanOrEqual(300 + 4 * 50);
      for (const same of byId.values()) {
        expect(new Set(same.map((r) => `${r.value}@${r.at}`)).size).toBe(1);
      }

      // stored once each
      const rows = await waitFor(
        async () => {
          const { rows } = await pool.query<{ n: number; ids: number }>(
            'SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM readings WHERE sensor_id = ANY($1)',
            [sensors],
          );
          return rows[0].n >= 300 ? rows[0] : undefined;
        },
        { what: '300 stored readings', timeoutMs: 30_000 },
      );
      expect(rows).toEqual({ n: 300, ids: 300 });
    } finally {
      await saver.stop();
      await pool.end();
    }
  });

  it('when the receiver answers 400, then the batch is reported with the error body and not retried', async () => {
    const counting = await proxy(() => 'forward');
    const client = createClient({ url: counting.url, retry: { initialDelayMs: 10 } });
    const rejected: RejectedEvent[] = [];
    client.on('rejected', (e) => rejected.push(e));
    // further in the future than the receiver's RECEIVER_MAX_FUTURE_SKEW_MS allows: only it can tell
    client.record(uniqueName('bad'), { temperature: 1 }, Date.now() + 3 * 86_400_000);
    await client.close();

    expect(counting.seen).toHaveLength(1);
    expect(counting.seen[0].upstreamStatus).toBe(400);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ kind: 'readings', count: 1, status: 400 });
    expect(rejected[0].errors).toEqual([expect.objectContaining({ field: 'at', index: 0 })]);
    expect(client.stats()).toMatchObject({ rejected: 1, retried: 0, sent: 0 });
  });

  it('when the receiver answers 503 and then 429 with Retry-After, then each retry waits for it and the readings arrive', async () => {
    const busy = await proxy((n) =>
      n === 1
        ? { status: 503, headers: { 'retry-after': '1' } }
        : n === 2
          ? { status: 429, headers: { 'retry-after': '1' } }
          : 'forward',
    );
    // the backoff alone would retry within 10 ms
    const client = createClient({ url: busy.url, retry: { initialDelayMs: 10, maxDelayMs: 10 } });
    const sensor = uniqueName('busy');
    const statuses: number[] = [];
    client.on('retry', (e) => statuses.push(e.status ?? 0));
    client.record(sensor, { temperature: 42 });
    await client.close();

    expect(statuses).toEqual([503, 429]);
    expect(busy.seen).toHaveLength(3);
    // HTTP timers may fire a millisecond early on a loaded machine
    expect(busy.seen[1].at - busy.seen[0].at).toBeGreaterThanOrEqual(990);
    expect(busy.seen[2].at - busy.seen[1].at).toBeGreaterThanOrEqual(990);
    expect(client.stats()).toMatchObject({ sent: 1, retried: 2 });
    await reader.until(() => readingsOf([sensor]).length === 1, 'the reading after the retries');
    expect(readingsOf([sensor])[0].value).toBe(42);
  });

  it('one-off requests go to the receiver given, with the answer as it is', async () => {
    const client = createClient({ url: 'http://127.0.0.1:1' });
    const sensor = uniqueName('once');
    const res = await client.sendMeasurement(sensor, { temperature: 1 }, { url: receiver.url, retry: false });
    expect(res).toMatchObject({ ok: true, status: 200, json: { result: true, response: 'OK' } });
    const refused = await client.sendMeasurements([{ sensorId: sensor, temperature: 'hot' }], {
      url: receiver.url,
      retry: false,
    });
    expect(refused).toMatchObject({ ok: false, outcome: 'refused', status: 400 });
    const down = await client.sendMeasurement(sensor, { temperature: 1 }, { retry: false, timeoutMs: 2000 });
    expect(down).toMatchObject({ ok: false, outcome: 'gave-up', attempts: 1 });
    expect(down.error?.kind).toBe('network');
    await client.close();
  });
});
