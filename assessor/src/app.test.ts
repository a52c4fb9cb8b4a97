// The assessor's HTTP layer in-process with a recording fake repository: routing, status codes, error
// shapes and what each route asks of the repository. assessor.int.test.ts runs it on PostgreSQL.
import type { Pool } from 'pg';
import pino from 'pino';
import { Registry } from 'prom-client';
import request from 'supertest';
import { loadConfig } from '../../shared/src';
import { createApp } from './app';
import type { Repository } from './repository';
import type { EventRow } from './response-shapes';
import { DAY_MS, HOUR_MS } from './time-windows';

const NOW = Date.parse('2026-11-22T12:00:30.250Z');
const empty = { count: 0, sum: null, min: null, max: null };

function build(overrides: Partial<Repository> = {}, poolQuery: () => Promise<unknown> = async () => ({ rows: [] })) {
  const calls: Array<{ method: string; args: unknown[] }> = [];
  const record =
    <A extends unknown[], R>(method: string, result: (...args: A) => Promise<R>) =>
    (...args: A) => {
      calls.push({ method, args });
      return result(...args);
    };
  const repository: Repository = {
    events: record('events', overrides.events ?? (async () => [])),
    aggregate: record('aggregate', overrides.aggregate ?? (async () => empty)),
    buckets: record('buckets', overrides.buckets ?? (async () => [])),
    sensors: record('sensors', overrides.sensors ?? (async () => [])),
    readings: record('readings', overrides.readings ?? (async () => [])),
    ping: async () => {},
  };
  const registry = new Registry();
  const app = createApp({
    config: loadConfig({}).assessor,
    pool: { query: poolQuery } as unknown as Pool,
    repository,
    registry,
    logger: pino({ level: 'silent' }),
    now: () => NOW,
  });
  return { app, calls, registry };
}

const event: EventRow = {
  id: 'e-1',
  sensorId: 's-1',
  metric: 'temperature',
  type: 'TEMPERATURE_EXCEEDED',
  value: 99,
  at: new Date('2026-11-22T10:00:03.120Z'),
  atUs: '1795341603120000',
  threshold: 95,
  rule: 'temperature >= 95',
  seq: '1',
};

describe('assessor app', () => {
  it('when a sensor has an event, then the compat body is exactly the 2017 shape', async () => {
    const { app, calls } = build({ events: async () => [event] });
    const res = await request(app).get('/api/v1/sensors/s-1/events');
    expect(res.status).toBe(200);
    expect(res.text).toBe(
      '{"sensorUuid":"s-1","events":[{"temperature":99,"at":"2026-11-22T10:00:03.120Z","type":"TEMPERATURE_EXCEEDED","metric":"temperature","value":99}]}',
    );
    // one more than the default page, to know whether another page exists
    expect(calls).toEqual([{ method: 'events', args: [expect.objectContaining({ sensorId: 's-1', limit: 101 })] }]);
  });

  it('when measurements are asked, then three rolling windows ending now are aggregated from rollups and raw edges', async () => {
    const { app, calls } = build({ aggregate: async () => ({ count: 8, sum: 621, min: 10, max: 107 }) });
    const res = await request(app).get('/api/v1/sensors/s-1/measurements?metric=humidity');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      sensorUuid: 's-1',
      averageLastHour: 77.625,
      averageLast7Days: 77.625,
      maxLast30Days: 107,
    });
    const splits = calls.map((c) => c.args);
    expect(splits.map(([sensor, metric]) => [sensor, metric])).toEqual([
      ['s-1', 'humidity'],
      ['s-1', 'humidity'],
      ['s-1', 'humidity'],
    ]);
    const minuteOf = (ms: number) => Math.floor(ms / 60_000) * 60_000;
    for (const [i, length] of [HOUR_MS, 7 * DAY_MS, 30 * DAY_MS].entries()) {
      expect(splits[i][2]).toEqual({
        minutes: { from: minuteOf(NOW - length) + 60_000, to: minuteOf(NOW) },
        raw: [
          { from: NOW - length + 1, to: minuteOf(NOW - length) + 60_000 },
          { from: minuteOf(NOW), to: NOW + 1 },
        ],
      });
    }
  });

  it('when a sensor has no data, then every measurement is null', async () => {
    const { app } = build();
    const res = await request(app).get('/api/v1/sensors/nobody/measurements');
    expect(res.body).toEqual({
      sensorUuid: 'nobody',
      averageLastHour: null,
      averageLast7Days: null,
      maxLast30Days: null,
    });
  });

  it.each([
    ['/api/v1/sensors/s-1/events?from=yesterday', 'from'],
    ['/api/v1/sensors/s-1/events?limit=100000', 'limit'],
    ['/api/v1/sensors/s-1/events?cursor=nope!', 'cursor'],
    ['/api/v1/sensors/s-1/events?type=a&type=b', 'type'],
    ['/api/v1/sensors/s%20bad/events', 'sensorId'],
    ['/api/v1/sensors/s-1/measurements?metric=TEMP', 'metric'],
    ['/api/v1/sensors/s-1/measurements?foo=1', 'foo'],
    ['/api/v1/sensors/s-1/statistics?metric=t&from=0&to=1', 'bucket'],
    ['/api/v1/sensors/s-1/statistics?metric=t&from=0&to=9999999999999&bucket=minute', 'bucket'],
    ['/api/v1/sensors/s-1/readings?from=10&to=5', 'to'],
    ['/api/v1/sensors?limit=0', 'limit'],
    ['/api/v1/events?sensorId=a%20b', 'sensorId'],
    ['/api/v1/sensors/%E0%A4%A/events', 'path'],
  ])('when GET %s, then 400 names %s and the repository is not asked', async (path, field) => {
    const { app, calls } = build();
    const res = await request(app).get(path);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      result: false,
      response: expect.arrayContaining([{ field, message: expect.any(String) }]),
    });
    expect(calls).toEqual([]);
  });

  it('when the route is unknown, then 404 is the JSON error shape', async () => {
    const { app } = build();
    for (const res of [await request(app).get('/nope'), await request(app).post('/api/v1/events')]) {
      expect(res.status).toBe(404);
      expect(res.type).toBe('application/json');
      expect(res.body).toEqual({ result: false, response: [{ field: 'path', message: expect.any(String) }] });
    }
  });

  it('when a query outlives the statement timeout, then 503 with Retry-After and advice', async () => {
    const timeout = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    const { app } = build({
      buckets: async () => {
        throw timeout;
      },
    });
    const res = await request(app).get('/api/v1/sensors/s-1/statistics?metric=t&from=0&to=60000&bucket=minute');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body.response[0].message).toMatch(/took longer than 5000 ms/);
  });

  it('when the repository fails unexpectedly, then 500 without internals', async () => {
    const { app } = build({
      sensors: async () => {
        throw new Error('secret detail');
      },
    });
    const res = await request(app).get('/api/v1/sensors');
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });

  it('when PostgreSQL does not answer, then /ready is 503 and /health still 200', async () => {
    const { app } = build({}, async () => {
      throw new Error('down');
    });
    expect((await request(app).get('/ready')).status).toBe(503);
    expect((await request(app).get('/health')).body).toEqual({ status: 'UP' });
  });

  it('when /openapi.json and /metrics are fetched, then the document and request timings are served', async () => {
    const { app } = build();
    await request(app).get('/api/v1/sensors');
    const doc = await request(app).get('/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.paths).toHaveProperty(['/api/v1/sensors/{sensorId}/statistics']);
    const metrics = await request(app).get('/metrics');
    expect(metrics.text).toContain('assessor_request_seconds_count{route="/api/v1/sensors",status="200"} 1');
  });
});
