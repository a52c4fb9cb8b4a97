// Log lines end to end on the real broker and PostgreSQL: posted through the in-process receiver (its
// Kafka publisher on the logs topic), stored by the log saver once however often a batch with client
// ids is posted, read back through the assessor's lists (level, source, q, range, paging).
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import pino from 'pino';
import { Registry } from 'prom-client';
import request from 'supertest';
import { createApp as createAssessorApp } from '../../assessor/src/app';
import { logsStatement } from '../../assessor/src/logs-store';
import { createApp as createReceiverApp } from '../../receiver/src/app';
import { createLogPublisher } from '../../receiver/src/log-publisher';
import { createReceiverMetrics } from '../../receiver/src/receiver-metrics';
import { createPool, createProducer, logCodec, withTransaction } from '../../shared/src';
import { testConfig, waitFor } from '../../test/helpers';
import { kafkaWithTopics, silentLogger } from '../../test/kafka';
import { type Running, startLogSaver } from '../../test/services';

const config = testConfig();

describe('log lines from the receiver to the assessor', () => {
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  let saver: Running & { metrics: { duplicatesIgnored: { get(): Promise<{ values: Array<{ value: number }> }> } } };
  let receiver: Express;
  let assessor: Express;

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
    pool = createPool(config.postgres, silentLogger);
    saver = await startLogSaver(config, kafka, { pool });
    const registry = new Registry();
    const publisher = createLogPublisher({ producer, topic: config.kafka.logsTopic, config: config.receiver });
    receiver = createReceiverApp({
      config: config.receiver,
      publish: async () => {},
      publishLogs: (lines) => publisher.publishLogs(lines),
      checks: {},
      registry,
      metrics: createReceiverMetrics(registry, () => 0),
      logger: silentLogger,
    });
    assessor = createAssessorApp({
      config: config.assessor,
      pool,
      registry: new Registry(),
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await saver?.stop();
    await producer?.disconnect();
    await pool?.end();
  });

  const stored = async (sensorId: string) =>
    Number((await pool.query('SELECT count(*) FROM logs WHERE sensor_id = $1', [sensorId])).rows[0].count);

  it('when the same batch with client ids is posted twice, then each line is stored once and the lists find them', async () => {
    const sensor = `logs-${randomUUID()}`;
    const base = Date.parse('2026-11-22T10:00:00Z');
    const lines = Array.from({ length: 300 }, (_, i) => ({
      id: `l-${i}`,
      at: base + i * 1000,
      level: (['debug', 'info', 'warning', 'error', 'critical'] as const)[i % 5],
      source: i % 2 ? 'kernel' : 'sshd',
      message: i === 7 ? 'Disk /dev/sda1 is FULL now' : `line ${i} of the batch`,
    }));
    for (let round = 0; round < 2; round++) {
      const res = await request(receiver).post(`/api/v1/sensors/${sensor}/logs`).send(lines);
      expect(res.body).toEqual({ result: true, response: { accepted: 300 } });
    }
    await waitFor(async () => (await stored(sensor)) === 300, { what: '300 lines stored' });
    // the second copy of each line reached the saver and was ignored
    await waitFor(async () => (await saver.metrics.duplicatesIgnored.get()).values[0]?.value >= 300, {
      what: 'the duplicates seen',
    });
    expect(await stored(sensor)).toBe(300);

    const list = async (path: string) => {
      const res = await request(assessor).get(path);
      expect(res.status).toBe(200);
      return res.body as { logs: Array<Record<string, unknown>>; nextCursor: string | null };
    };
    const newest = await list(`/api/v1/sensors/${sensor}/logs?limit=2`);
    expect(newest.logs).toEqual([
      {
        id: `c/${sensor}/l-299`,
        sensorId: sensor,
        level: 'critical',
        source: 'kernel',
        message: 'line 299 of the batch',
        at: new Date(base + 299_000).toISOString(),
        receivedAt: expect.any(String),
      },
      expect.objectContaining({ id: `c/${sensor}/l-298`, level: 'error', source: 'sshd' }),
    ]);

    // paging newest first: every line once, in order
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const p = await list(`/api/v1/sensors/${sensor}/logs?limit=70&cursor=${cursor}`);
      seen.push(...p.logs.map((l) => l.id as string));
      cursor = p.nextCursor;
    }
    expect(seen).toEqual(lines.map((l) => `c/${sensor}/${l.id}`).reverse());

    const errors = await list(`/api/v1/sensors/${sensor}/logs?level=error&source=kernel&limit=1000`);
    expect(errors.logs.length).toBe(
      lines.filter((l) => l.source === 'kernel' && ['error', 'critical'].includes(l.level)).length,
    );
    expect(errors.logs.every((l) => ['error', 'critical'].includes(l.level as string) && l.source === 'kernel')).toBe(
      true,
    );

    // every sensor's lines from a level up (the partial index of that level): only that level, newest first
    const critical = await list(`/api/v1/logs?level=critical&from=${base}&to=${base + 300_000}&limit=1000`);
    expect(critical.logs.every((l) => l.level === 'critical')).toBe(true);
    expect(critical.logs.filter((l) => l.sensorId === sensor).map((l) => l.id)).toEqual(
      lines
        .filter((l) => l.level === 'critical')
        .map((l) => `c/${sensor}/${l.id}`)
        .reverse(),
    );

    // words, whatever their case, not substrings
    const full = await list(`/api/v1/logs?sensorId=${sensor}&q=${encodeURIComponent('full disk')}`);
    expect(full.logs.map((l) => l.id)).toEqual([`c/${sensor}/l-7`]);
    expect((await list(`/api/v1/logs?sensorId=${sensor}&q=ful`)).logs).toEqual([]);
    const everyone = await list(`/api/v1/logs?q=FULL&from=${base}&to=${base + 8000}`);
    expect(everyone.logs.map((l) => l.id)).toContain(`c/${sensor}/l-7`);

    const ranged = await list(`/api/v1/sensors/${sensor}/logs?from=${base + 10_000}&to=${base + 20_000}&limit=1000`);
    expect(ranged.logs).toHaveLength(10);
  });

  it("when every sensor's lines are asked from warning, error or critical up, then the query can read that level's partial index", async () => {
    const indexes = { 30: 'logs_warning_at', 40: 'logs_error_at', 50: 'logs_critical_at' } as const;
    for (const [rank, index] of Object.entries(indexes)) {
      const { sql, values } = logsStatement({ minLevel: Number(rank), limit: 101 });
      // the test table is small: fresh statistics and no sequential scan, so the plan shows the index
      // the query reads, not what a few rows make cheapest
      const plan = await withTransaction(pool, async (client) => {
        await client.query('ANALYZE logs');
        await client.query('SET LOCAL enable_seqscan = off');
        const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, values);
        return JSON.stringify(rows[0]['QUERY PLAN']);
      });
      expect(plan).toContain(`"Index Name":"${index}"`);
    }
  });

  it('when a value on the logs topic is not a log line, then it is dead-lettered and the next line is stored', async () => {
    const sensor = `logs-${randomUUID()}`;
    const good = logCodec.encode({
      id: randomUUID(),
      sensorId: sensor,
      level: 'info',
      source: null,
      message: 'after the poison',
      at: Date.now(),
      receivedAt: Date.now(),
    });
    const nul = logCodec.encode({
      id: randomUUID(),
      sensorId: sensor,
      level: 'info',
      source: null,
      message: 'a\u0000b',
      at: Date.now(),
      receivedAt: Date.now(),
    });
    await producer.send({
      topic: config.kafka.logsTopic,
      acks: -1,
      messages: [
        { key: sensor, value: Buffer.from('{"level": "info"}') },
        { key: sensor, value: nul },
        { key: sensor, value: good },
      ],
    });
    await waitFor(async () => (await stored(sensor)) === 1, { what: 'the good line stored' });
    const { rows } = await pool.query('SELECT message FROM logs WHERE sensor_id = $1', [sensor]);
    expect(rows).toEqual([{ message: 'after the poison' }]);
  });

  it('when a query parameter is bad, then 400 names it', async () => {
    const res = await request(assessor).get('/api/v1/logs?level=fatal&q=');
    expect(res.status).toBe(400);
    expect(res.body.response.map((e: { field: string }) => e.field).sort()).toEqual(['level', 'q']);
  });
});
