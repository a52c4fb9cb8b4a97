// The assessor on a real PostgreSQL (migrated by the global setup). Each test writes its own rows for
// fresh sensor ids, shaped as the saver writes them (raw readings, their per-minute rollups, the
// sensors' latest values, events), then reads them back through the HTTP API.
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import request from 'supertest';
import { createLogger, createPool, iso } from '../../shared/src';
import { testConfig } from '../../test/helpers';
import { writeBatch } from '../../saver/src/writer';
import { createApp } from './app';
import { encodeSensorKey } from './cursor';
import { METRICS_PER_SENSOR } from './routes';

const config = testConfig();
const logger = createLogger({ name: 'assessor-test', level: config.log.level });
/** Not minute aligned, so every rolling window has raw edges at both ends. */
const NOW = Date.parse('2026-11-22T12:00:30.250Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

interface SeedReading {
  value: number;
  at: number;
  metric?: string;
  id?: string;
}

interface SeedEvent {
  id?: string;
  sensorId: string;
  metric?: string;
  type?: string;
  value: number;
  at: number | string;
}

let pool: Pool;
let app: Express;
const sensorsUsed = new Set<string>();

function newSensor(prefix = 'assessor'): string {
  const id = `${prefix}-${randomUUID()}`;
  sensorsUsed.add(id);
  return id;
}

/** Raw readings, then the rollups and latest values recomputed from every raw reading of the sensor. */
async function insertReadings(sensorId: string, readings: SeedReading[]): Promise<void> {
  sensorsUsed.add(sensorId);
  await pool.query(
    `INSERT INTO readings (id, sensor_id, metric, value, at, received_at)
     SELECT id, $2, metric, value, at, at FROM unnest($1::text[], $3::text[], $4::float8[], $5::timestamptz[])
       AS r(id, metric, value, at)`,
    [
      readings.map((r) => r.id ?? randomUUID()),
      sensorId,
      readings.map((r) => r.metric ?? 'temperature'),
      readings.map((r) => r.value),
      readings.map((r) => iso(r.at)),
    ],
  );
  await pool.query('DELETE FROM readings_minute WHERE sensor_id = $1', [sensorId]);
  await pool.query(
    `INSERT INTO readings_minute (sensor_id, metric, minute, count, sum, min, max)
     SELECT sensor_id, metric, date_trunc('minute', at), count(*), sum(value), min(value), max(value)
     FROM readings WHERE sensor_id = $1 GROUP BY 1, 2, 3`,
    [sensorId],
  );
  await pool.query('DELETE FROM sensor_metrics WHERE sensor_id = $1', [sensorId]);
  await pool.query(
    `INSERT INTO sensor_metrics (sensor_id, metric, first_at, last_at, last_value, count)
     SELECT sensor_id, metric, min(at), max(at), (array_agg(value ORDER BY at DESC))[1], count(*)
     FROM readings WHERE sensor_id = $1 GROUP BY 1, 2`,
    [sensorId],
  );
}

async function insertEvents(events: SeedEvent[]): Promise<void> {
  for (const e of events) sensorsUsed.add(e.sensorId);
  await pool.query(
    `INSERT INTO events (id, sensor_id, metric, type, value, at, threshold, rule, warnings_for_event, reading_id)
     SELECT id, sensor_id, metric, type, value, at, 95, metric || ' >= 95', 3, id
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::timestamptz[])
       AS e(id, sensor_id, metric, type, value, at)`,
    [
      events.map((e) => e.id ?? randomUUID()),
      events.map((e) => e.sensorId),
      events.map((e) => e.metric ?? 'temperature'),
      events.map((e) => e.type ?? 'TEMPERATURE_EXCEEDED'),
      events.map((e) => e.value),
      events.map((e) => (typeof e.at === 'number' ? iso(e.at) : e.at)),
    ],
  );
}

/** A unique event type, so a query by type sees only this test's events. */
const uniqueType = () => `T${randomUUID().replace(/-/g, '').toUpperCase()}_EXCEEDED`;

/** Every page of a list, following nextCursor. */
async function allPages<T>(
  path: string,
  listOf: (body: Record<string, unknown>) => T[],
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const res = await request(app).get(cursor ? `${path}${separator}cursor=${cursor}` : path);
    expect(res.status).toBe(200);
    items.push(...listOf(res.body));
    cursor = res.body.nextCursor ?? undefined;
    pages++;
  } while (cursor && pages < 100);
  return { items, pages };
}

beforeAll(() => {
  pool = createPool(config.postgres, logger, { statement_timeout: config.assessor.queryTimeoutMs });
  app = createApp({ config: config.assessor, pool, registry: new Registry(), logger, now: () => NOW });
});

afterAll(async () => {
  const ids = [...sensorsUsed];
  for (const table of ['readings', 'readings_minute', 'sensor_metrics', 'events']) {
    await pool.query(`DELETE FROM ${table} WHERE sensor_id = ANY($1::text[])`, [ids]);
  }
  await pool.end();
});

describe('GET /api/v1/sensors/{sensorId}/events (compat)', () => {
  it('when a sensor has events, then they come oldest first in the exact 2017 shape', async () => {
    const sensor = newSensor();
    await insertEvents([
      { id: `${sensor}-b`, sensorId: sensor, value: 98, at: '2026-11-22T10:00:07.500Z' },
      { id: `${sensor}-a`, sensorId: sensor, value: 99, at: '2026-11-22T10:00:03.120Z' },
      {
        id: `${sensor}-h`,
        sensorId: sensor,
        metric: 'humidity',
        type: 'HUMIDITY_EXCEEDED',
        value: 80,
        at: '2026-11-22T10:00:05Z',
      },
    ]);
    const res = await request(app).get(`/api/v1/sensors/${sensor}/events`);
    expect(res.status).toBe(200);
    expect(res.text).toBe(
      JSON.stringify({
        sensorUuid: sensor,
        events: [
          {
            temperature: 99,
            at: '2026-11-22T10:00:03.120Z',
            type: 'TEMPERATURE_EXCEEDED',
            metric: 'temperature',
            value: 99,
          },
          { humidity: 80, at: '2026-11-22T10:00:05.000Z', type: 'HUMIDITY_EXCEEDED', metric: 'humidity', value: 80 },
          {
            temperature: 98,
            at: '2026-11-22T10:00:07.500Z',
            type: 'TEMPERATURE_EXCEEDED',
            metric: 'temperature',
            value: 98,
          },
        ],
      }),
    );
  });

  it('when the sensor is unknown, then 200 with no events', async () => {
    const res = await request(app).get(`/api/v1/sensors/${newSensor('unknown')}/events`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sensorUuid: expect.stringMatching(/^unknown-/), events: [] });
  });

  it('when filtered by type and range, then only matching events in [from, to) are returned', async () => {
    const sensor = newSensor();
    const base = Date.parse('2026-11-22T10:00:00Z');
    await insertEvents([
      { sensorId: sensor, value: 1, at: base },
      { sensorId: sensor, value: 2, at: base + MIN },
      { sensorId: sensor, metric: 'humidity', type: 'HUMIDITY_EXCEEDED', value: 3, at: base + MIN },
      { sensorId: sensor, value: 4, at: base + 2 * MIN },
    ]);
    const res = await request(app).get(
      `/api/v1/sensors/${sensor}/events?type=TEMPERATURE_EXCEEDED&from=${iso(base + 1)}&to=${base + 2 * MIN}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.events.map((e: { value: number }) => e.value)).toEqual([2]);
  });

  it('when paged, then the pages hold every event once, in (at, id) order, and the last has no cursor', async () => {
    const sensor = newSensor();
    const at = Date.parse('2026-11-22T10:00:00Z');
    // three events share one instant: the id breaks the tie
    await insertEvents([
      { id: `${sensor}-3`, sensorId: sensor, value: 3, at: at + 1 },
      { id: `${sensor}-2`, sensorId: sensor, value: 2, at: at + 1 },
      { id: `${sensor}-1`, sensorId: sensor, value: 1, at },
      { id: `${sensor}-4`, sensorId: sensor, value: 4, at: at + 1 },
      { id: `${sensor}-5`, sensorId: sensor, value: 5, at: at + 2 },
    ]);
    const first = await request(app).get(`/api/v1/sensors/${sensor}/events?limit=2`);
    expect(first.body.events.map((e: { value: number }) => e.value)).toEqual([1, 2]);
    expect(typeof first.body.nextCursor).toBe('string');
    const { items, pages } = await allPages(
      `/api/v1/sensors/${sensor}/events?limit=2`,
      (b) => b.events as Array<{ value: number }>,
    );
    expect(items.map((e) => e.value)).toEqual([1, 2, 3, 4, 5]);
    expect(pages).toBe(3);
    const last = await request(app).get(`/api/v1/sensors/${sensor}/events?limit=5`);
    expect(last.body).not.toHaveProperty('nextCursor');
  });
});

describe('GET /api/v1/sensors/{sensorId}/measurements (compat)', () => {
  it("when the original's readings 10,100,97,99,10,100,107,98 are in the last hour, then averages 77.625 and max 107", async () => {
    const sensor = newSensor();
    const values = [10, 100, 97, 99, 10, 100, 107, 98];
    await insertReadings(
      sensor,
      values.map((value, i) => ({ value, at: NOW - 50 * MIN + i * 7_013 })),
    );
    const res = await request(app).get(`/api/v1/sensors/${sensor}/measurements`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      sensorUuid: sensor,
      averageLastHour: 77.625,
      averageLast7Days: 77.625,
      maxLast30Days: 107,
    });
  });

  it('when readings lie on and around the window edges, then each window counts exactly the readings of (now - length, now]', async () => {
    const sensor = newSensor();
    await insertReadings(sensor, [
      { value: 1000, at: NOW - HOUR }, // just outside the hour
      { value: 10, at: NOW - HOUR + 1 }, // just inside
      { value: 20, at: NOW }, // now is included
      { value: 5000, at: NOW + 1 }, // the future is not in any window
      { value: 30, at: NOW - 3 * DAY },
      { value: 400, at: NOW - 7 * DAY }, // outside 7 days, inside 30
      { value: 9000, at: NOW - 30 * DAY }, // outside 30 days
      { value: 7, at: NOW - 2 * HOUR, metric: 'humidity' }, // another metric
    ]);
    const res = await request(app).get(`/api/v1/sensors/${sensor}/measurements`);
    expect(res.body).toEqual({
      sensorUuid: sensor,
      averageLastHour: 15,
      averageLast7Days: (1000 + 10 + 20 + 30) / 4,
      maxLast30Days: 1000,
    });
    const humidity = await request(app).get(`/api/v1/sensors/${sensor}/measurements?metric=humidity`);
    expect(humidity.body).toEqual({ sensorUuid: sensor, averageLastHour: null, averageLast7Days: 7, maxLast30Days: 7 });
  });

  it('when a sensor has no data, then every value is null', async () => {
    const sensor = newSensor('nodata');
    const res = await request(app).get(`/api/v1/sensors/${sensor}/measurements`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      sensorUuid: sensor,
      averageLastHour: null,
      averageLast7Days: null,
      maxLast30Days: null,
    });
  });
});

describe('GET /api/v1/sensors/{sensorId}/statistics', () => {
  const start = Date.parse('2026-11-22T10:00:00Z');
  // 4 readings a minute, at :05, :25, :45 and :59.9, from 10:00 to 12:59, values varying
  const offsets = [5_000, 25_000, 45_000, 59_900];
  const readings = Array.from({ length: 180 * 4 }, (_, i) => ({
    value: ((i * 37) % 101) - 20,
    at: start + Math.floor(i / 4) * MIN + offsets[i % 4],
  }));

  /** The answer computed from the raw readings, as the API must give it. */
  function reference(from: number, to: number, size: number) {
    const inRange = readings.filter((r) => r.at >= from && r.at < to);
    const buckets = new Map<number, number[]>();
    for (const r of inRange) {
      const key = Math.floor(r.at / size) * size;
      buckets.set(key, [...(buckets.get(key) ?? []), r.value]);
    }
    const summary = (values: number[]) => ({
      count: values.length,
      min: Math.min(...values),
      max: Math.max(...values),
      avg: values.reduce((a, b) => a + b, 0) / values.length,
      sum: values.reduce((a, b) => a + b, 0),
    });
    return {
      buckets: [...buckets.entries()]
        .sort(([a], [b]) => a - b)
        .map(([s, values]) => ({ start: iso(s), ...summary(values) })),
      total: summary(inRange.map((r) => r.value)),
    };
  }

  let sensor: string;
  beforeAll(async () => {
    sensor = newSensor();
    await insertReadings(sensor, readings);
  });

  it.each([
    ['hour', '2026-11-22T10:20:15Z', '2026-11-22T12:40:30Z', HOUR],
    ['minute', '2026-11-22T10:00:25Z', '2026-11-22T10:10:25Z', MIN],
    ['minute', '2026-11-22T10:00:05Z', '2026-11-22T10:00:45Z', MIN],
    ['day', '2026-11-22T10:00:05.001+02:00', '2026-11-23T00:00:00Z', DAY],
    ['hour', '2026-11-22T09:00:00Z', '2026-11-22T14:00:00Z', HOUR],
  ])(
    'when bucketed by %s over [%s, %s), then buckets and total match the raw readings exactly',
    async (bucket, from, to, size) => {
      const res = await request(app).get(
        `/api/v1/sensors/${sensor}/statistics?metric=temperature&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&bucket=${bucket}`,
      );
      expect(res.status).toBe(200);
      const expected = reference(Date.parse(from), Date.parse(to), size as number);
      expect(res.body).toEqual({
        sensorId: sensor,
        metric: 'temperature',
        from: iso(Date.parse(from)),
        to: iso(Date.parse(to)),
        bucket,
        buckets: expected.buckets.map((b) => ({ ...b, avg: expect.closeTo(b.avg, 9), sum: expect.closeTo(b.sum, 9) })),
        total: {
          ...expected.total,
          avg: expect.closeTo(expected.total.avg, 9),
          sum: expect.closeTo(expected.total.sum, 9),
        },
      });
    },
  );

  it('when the range has whole minutes, then they are read from the rollups and only the edge minutes from raw readings', async () => {
    // A rollup-only minute (its raw rows are gone, e.g. pruned) still counts; an edge minute counts only
    // the raw readings inside the range, although its rollup covers the whole minute.
    const own = newSensor();
    await insertReadings(own, [
      { value: 1, at: Date.parse('2026-11-22T10:00:10Z') }, // before the range
      { value: 2, at: Date.parse('2026-11-22T10:00:40Z') }, // in the partial first minute
      { value: 4, at: Date.parse('2026-11-22T10:02:50Z') }, // in the partial last minute
      { value: 8, at: Date.parse('2026-11-22T10:02:55Z') }, // after the range
    ]);
    await pool.query(
      `INSERT INTO readings_minute (sensor_id, metric, minute, count, sum, min, max)
       VALUES ($1, 'temperature', '2026-11-22T10:01:00Z', 5, 50, 3, 20)`,
      [own],
    );
    const res = await request(app).get(
      `/api/v1/sensors/${own}/statistics?metric=temperature&from=2026-11-22T10:00:30Z&to=2026-11-22T10:02:52Z&bucket=minute`,
    );
    expect(res.body.buckets).toEqual([
      { start: '2026-11-22T10:00:00.000Z', count: 1, min: 2, max: 2, avg: 2, sum: 2 },
      { start: '2026-11-22T10:01:00.000Z', count: 5, min: 3, max: 20, avg: 10, sum: 50 },
      { start: '2026-11-22T10:02:00.000Z', count: 1, min: 4, max: 4, avg: 4, sum: 4 },
    ]);
    expect(res.body.total).toEqual({ count: 7, min: 2, max: 20, avg: 56 / 7, sum: 56 });
  });

  it('when there are no readings in the range, then no buckets and a zero total', async () => {
    const res = await request(app).get(
      `/api/v1/sensors/${sensor}/statistics?metric=humidity&from=2026-11-22T10:00:00Z&to=2026-11-22T11:00:00Z&bucket=minute`,
    );
    expect(res.status).toBe(200);
    expect(res.body.buckets).toEqual([]);
    expect(res.body.total).toEqual({ count: 0, min: null, max: null, avg: null, sum: 0 });
  });

  it('when the range spans more buckets than allowed, then 400 names bucket', async () => {
    const res = await request(app).get(
      `/api/v1/sensors/${sensor}/statistics?metric=temperature&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&bucket=minute`,
    );
    expect(res.status).toBe(400);
    expect(res.body.response).toEqual([{ field: 'bucket', message: expect.stringContaining('more than 5000') }]);
  });
});

describe('GET /api/v1/events', () => {
  it('when filtered by a type, then events of every sensor come oldest first, paged, and by sensor on request', async () => {
    const type = uniqueType();
    const [a, b] = [newSensor(), newSensor()];
    const at = Date.parse('2026-11-22T10:00:00Z');
    await insertEvents([
      { id: `${a}-1`, sensorId: a, type, value: 1, at },
      { id: `${b}-2`, sensorId: b, type, value: 2, at: at + 1000 },
      { id: `${a}-3`, sensorId: a, type, value: 3, at: at + 2000 },
      { id: `${b}-4`, sensorId: b, type: 'TEMPERATURE_EXCEEDED', value: 4, at: at + 3000 },
    ]);
    const first = await request(app).get(`/api/v1/events?type=${type}&limit=1`);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      events: [
        {
          id: `${a}-1`,
          sensorId: a,
          metric: 'temperature',
          type,
          value: 1,
          at: iso(at),
          threshold: 95,
          rule: 'temperature >= 95',
        },
      ],
      nextCursor: expect.any(String),
    });
    const { items } = await allPages(
      `/api/v1/events?type=${type}&limit=2`,
      (body) => body.events as Array<{ id: string }>,
    );
    expect(items.map((e) => e.id)).toEqual([`${a}-1`, `${b}-2`, `${a}-3`]);
    const ofB = await request(app).get(`/api/v1/events?type=${type}&sensorId=${b}`);
    expect(ofB.body).toEqual({ events: [expect.objectContaining({ id: `${b}-2` })], nextCursor: null });
    const inRange = await request(app).get(`/api/v1/events?sensorId=${b}&from=${at + 1001}`);
    expect(inRange.body.events.map((e: { id: string }) => e.id)).toEqual([`${b}-4`]);
  });
});

describe('GET /api/v1/events?order=stored (a follower)', () => {
  /** Events as the saver stores them (writeBatch: the storage sequence under its lock). */
  const store = (sensorId: string, type: string, items: Array<{ id: string; at: number }>) => {
    sensorsUsed.add(sensorId);
    return writeBatch(
      pool,
      [],
      items.map((e) => ({
        id: e.id,
        sensorId,
        metric: 'temperature',
        type,
        value: 99,
        at: e.at,
        threshold: 95,
        rule: 'temperature >= 95',
        warningsForEvent: 3,
        readingId: e.id,
      })),
    );
  };
  const ids = (body: { events: Array<{ id: string }> }) => body.events.map((e) => e.id);

  it('when an event is stored late with an earlier at, then a follower of nextCursor by storage order sees it, and one by (at, id) does not', async () => {
    const type = uniqueType();
    const sensor = newSensor('follow');
    const at = Date.parse('2026-11-22T10:00:00Z');
    await store(sensor, type, [
      { id: `${sensor}-1`, at: at + 1000 },
      { id: `${sensor}-2`, at: at + 2000 },
      { id: `${sensor}-3`, at: at + 3000 },
    ]);
    const byStorage = await request(app).get(`/api/v1/events?type=${type}&order=stored&limit=2`);
    expect(byStorage.status).toBe(200);
    expect(ids(byStorage.body)).toEqual([`${sensor}-1`, `${sensor}-2`]);
    const byTime = await request(app).get(`/api/v1/events?type=${type}&limit=2`);
    expect(ids(byTime.body)).toEqual([`${sensor}-1`, `${sensor}-2`]);

    // stored after both followers passed its time
    await store(sensor, type, [{ id: `${sensor}-late`, at }]);

    const storageRest = await request(app).get(
      `/api/v1/events?type=${type}&order=stored&limit=2&cursor=${byStorage.body.nextCursor}`,
    );
    expect(ids(storageRest.body)).toEqual([`${sensor}-3`, `${sensor}-late`]);
    const timeRest = await request(app).get(`/api/v1/events?type=${type}&limit=2&cursor=${byTime.body.nextCursor}`);
    expect(ids(timeRest.body)).toEqual([`${sensor}-3`]);
    expect(timeRest.body.nextCursor).toBeNull();

    // caught up: the same position comes back, and the next event stored is the next one seen
    const caughtUp = await request(app).get(
      `/api/v1/events?type=${type}&order=stored&cursor=${storageRest.body.nextCursor}`,
    );
    expect(caughtUp.body).toEqual({ events: [], nextCursor: storageRest.body.nextCursor });
    await store(sensor, type, [{ id: `${sensor}-next`, at: at - 1000 }]);
    const next = await request(app).get(`/api/v1/events?type=${type}&order=stored&cursor=${caughtUp.body.nextCursor}`);
    expect(ids(next.body)).toEqual([`${sensor}-next`]);

    // the sensor's own list takes the order too; a redelivered event keeps its first position
    await store(sensor, type, [{ id: `${sensor}-1`, at: at + 1000 }]);
    const followed: string[] = [];
    let cursor = '';
    for (let pages = 0; pages < 10; pages++) {
      const res = await request(app).get(`/api/v1/sensors/${sensor}/events?order=stored&limit=2&cursor=${cursor}`);
      expect(res.status).toBe(200);
      if (res.body.events.length === 0) break;
      followed.push(...res.body.events.map((e: { at: string }) => e.at));
      cursor = res.body.nextCursor;
    }
    expect(followed).toEqual([at + 1000, at + 2000, at + 3000, at, at - 1000].map(iso));
  });

  it('when a cursor of one order is given to the other, then it is a 400 naming cursor', async () => {
    const type = uniqueType();
    const sensor = newSensor('follow');
    await store(sensor, type, [
      { id: `${sensor}-1`, at: NOW - 2000 },
      { id: `${sensor}-2`, at: NOW - 1000 },
    ]);
    const stored = await request(app).get(`/api/v1/events?type=${type}&order=stored&limit=1`);
    const res = await request(app).get(`/api/v1/events?type=${type}&cursor=${stored.body.nextCursor}`);
    expect(res.status).toBe(400);
    expect(res.body.response).toEqual([{ field: 'cursor', message: expect.any(String) }]);
  });
});

describe('GET /api/v1/sensors', () => {
  it('when sensors are listed from a cursor, then they come in sensor id order with their latest values, paged', async () => {
    const prefix = newSensor('list');
    const [a, b, c] = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    const at = Date.parse('2026-11-22T10:00:00Z');
    await insertReadings(c, [{ value: 5, at }]);
    await insertReadings(a, [
      { value: 1, at },
      { value: 2, at: at + 1000 },
      { value: 40, at: at + 5000, metric: 'humidity' },
    ]);
    await insertReadings(b, [{ value: 3, at }]);

    const first = await request(app).get(`/api/v1/sensors?limit=2&cursor=${encodeSensorKey(prefix)}`);
    expect(first.status).toBe(200);
    expect(first.body.sensors).toEqual([
      {
        sensorId: a,
        lastReadingAt: iso(at + 5000),
        metricCount: 2,
        metrics: {
          humidity: { lastValue: 40, lastAt: iso(at + 5000), count: 1 },
          temperature: { lastValue: 2, lastAt: iso(at + 1000), count: 2 },
        },
      },
      {
        sensorId: b,
        lastReadingAt: iso(at),
        metricCount: 1,
        metrics: { temperature: { lastValue: 3, lastAt: iso(at), count: 1 } },
      },
    ]);
    const second = await request(app).get(`/api/v1/sensors?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.sensors[0]).toEqual({
      sensorId: c,
      lastReadingAt: iso(at),
      metricCount: 1,
      metrics: { temperature: { lastValue: 5, lastAt: iso(at), count: 1 } },
    });
  });

  it('when a sensor has more metrics than METRICS_PER_SENSOR, then the first by name are listed and metricCount and lastReadingAt count them all', async () => {
    const sensor = newSensor('wide');
    const at = Date.parse('2026-11-22T10:00:00Z');
    const metrics = Array.from({ length: METRICS_PER_SENSOR + 5 }, (_, i) => `m${String(i).padStart(3, '0')}`);
    // the latest reading is of the last metric by name, which is not listed
    await insertReadings(
      sensor,
      metrics.map((metric, i) => ({ value: i, at: at + i * 1000, metric })),
    );
    const res = await request(app).get(`/api/v1/sensors?limit=1&cursor=${encodeSensorKey(sensor.slice(0, -1))}`);
    expect(res.status).toBe(200);
    const [listed] = res.body.sensors;
    expect(listed.sensorId).toBe(sensor);
    expect(listed.metricCount).toBe(METRICS_PER_SENSOR + 5);
    expect(Object.keys(listed.metrics)).toEqual(metrics.slice(0, METRICS_PER_SENSOR));
    expect(listed.lastReadingAt).toBe(iso(at + (METRICS_PER_SENSOR + 4) * 1000));
  });

  it('when listed without a cursor, then the first page is in sensor id order', async () => {
    await insertReadings(newSensor(), [{ value: 1, at: NOW }]);
    const res = await request(app).get('/api/v1/sensors?limit=5');
    expect(res.status).toBe(200);
    const ids = res.body.sensors.map((s: { sensorId: string }) => s.sensorId);
    expect(ids.length).toBeGreaterThan(0);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('GET /api/v1/sensors?prefix=', () => {
  const ids = (body: { sensors: Array<{ sensorId: string }> }) => body.sensors.map((s) => s.sensorId);
  const byPrefix = (prefix: string, query = '') =>
    request(app).get(`/api/v1/sensors?prefix=${encodeURIComponent(prefix)}${query}`);
  let base: string;
  /** in code-point order, as listed: `X` (0x58) sorts before `_` (0x5f) */
  let underscored: string[];

  beforeAll(async () => {
    base = newSensor('prefix');
    underscored = [`${base}.a_1`, `${base}.a_2`, `${base}.a_3`];
    const others = [base, `${base}.a`, `${base}.aX1`, `${base}.A_1`, `${base}.b`, `${base}.ab_1`];
    for (const id of [...others, ...underscored]) await insertReadings(id, [{ value: 1, at: NOW }]);
  });

  it('when a prefix is given, then exactly the sensors whose id starts with it are listed, case-sensitively, in id order', async () => {
    const res = await byPrefix(`${base}.a`);
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual([
      `${base}.a`,
      `${base}.aX1`,
      `${base}.a_1`,
      `${base}.a_2`,
      `${base}.a_3`,
      `${base}.ab_1`,
    ]);
    expect(res.body.nextCursor).toBeNull();
    expect(ids((await byPrefix(`${base}.A`)).body)).toEqual([`${base}.A_1`]);
    expect(ids((await byPrefix(base)).body)).toHaveLength(9);
  });

  it('when the prefix holds _ % or \\, then they are literal characters, not patterns', async () => {
    expect(ids((await byPrefix(`${base}.a_`)).body)).toEqual(underscored);
    // as LIKE patterns these would match .aX1 and .a_1, or everything under base
    for (const prefix of [`${base}._`, `${base}.a%`, `${base}%`, `${base}.a\\`, `${base}.a*`, `${base}.a.*`]) {
      const res = await byPrefix(prefix);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([]);
    }
  });

  it('when a prefix search is paged, then the pages hold every match once, in order, and end with no cursor', async () => {
    const { items, pages } = await allPages(`/api/v1/sensors?prefix=${encodeURIComponent(`${base}.a_`)}&limit=2`, (b) =>
      ids(b as { sensors: Array<{ sensorId: string }> }),
    );
    expect(items).toEqual(underscored);
    expect(pages).toBe(2);
    // a cursor before the prefix starts at the prefix; one past it ends the list
    const before = await byPrefix(`${base}.a_`, `&cursor=${encodeSensorKey(base)}`);
    expect(ids(before.body)).toEqual(underscored);
    const after = await byPrefix(`${base}.a_`, `&cursor=${encodeSensorKey(`${base}.b`)}`);
    expect(ids(after.body)).toEqual([]);
  });

  it('when the prefix is a whole id of 128 characters, then that sensor is found', async () => {
    const long = `${base}`.padEnd(128, 'z');
    await insertReadings(long, [{ value: 1, at: NOW }]);
    const res = await byPrefix(long);
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual([long]);
  });

  it.each([
    ['empty', ''],
    ['longer than the longest sensor id', 'x'.repeat(129)],
    ['a NUL', 'a\u0000b'],
    ['a newline', 'a\nb'],
    ['DEL', 'a\u007f'],
    ['a C1 control', 'a\u0085'],
  ])('when the prefix is %s, then 400 names prefix', async (_what, prefix) => {
    const res = await byPrefix(prefix);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ result: false, response: [{ field: 'prefix', message: expect.any(String) }] });
  });

  it('when prefix is given twice, then 400 names prefix', async () => {
    const res = await request(app).get('/api/v1/sensors?prefix=a&prefix=b');
    expect(res.status).toBe(400);
    expect(res.body.response).toEqual([{ field: 'prefix', message: 'must be given once' }]);
  });
});

describe('GET /api/v1/sensors/{sensorId}/readings', () => {
  it('when readings of several metrics are paged, then every reading comes once in (at, id) order', async () => {
    const sensor = newSensor();
    const at = Date.parse('2026-11-22T10:00:00Z');
    await insertReadings(sensor, [
      { id: `${sensor}-5`, value: 5, at: at + 2000 },
      { id: `${sensor}-2`, value: 2, at: at + 1000, metric: 'humidity' },
      { id: `${sensor}-1`, value: 1, at },
      { id: `${sensor}-3`, value: 3, at: at + 1000 },
      { id: `${sensor}-4`, value: 4, at: at + 1000, metric: 'humidity' },
      { id: `${sensor}-6`, value: 6, at: at + 3000, metric: 'pressure' },
    ]);
    const first = await request(app).get(`/api/v1/sensors/${sensor}/readings?limit=2`);
    expect(first.body).toEqual({
      sensorId: sensor,
      readings: [
        { id: `${sensor}-1`, metric: 'temperature', value: 1, at: iso(at), receivedAt: iso(at) },
        { id: `${sensor}-2`, metric: 'humidity', value: 2, at: iso(at + 1000), receivedAt: iso(at + 1000) },
      ],
      nextCursor: expect.any(String),
    });
    const all = await allPages(
      `/api/v1/sensors/${sensor}/readings?limit=2`,
      (b) => b.readings as Array<{ value: number }>,
    );
    expect(all.items.map((r) => r.value)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(all.pages).toBe(3);
    const humidity = await allPages(
      `/api/v1/sensors/${sensor}/readings?metric=humidity&limit=1`,
      (b) => b.readings as Array<{ value: number }>,
    );
    expect(humidity.items.map((r) => r.value)).toEqual([2, 4]);
    const ranged = await request(app).get(`/api/v1/sensors/${sensor}/readings?from=${at + 1000}&to=${iso(at + 2000)}`);
    expect(ranged.body.readings.map((r: { value: number }) => r.value)).toEqual([2, 3, 4]);
    expect(ranged.body.nextCursor).toBeNull();
  });

  it('when the sensor is unknown, then no readings', async () => {
    const res = await request(app).get(`/api/v1/sensors/${newSensor('none')}/readings`);
    expect(res.status).toBe(200);
    expect(res.body.readings).toEqual([]);
  });
});

describe('errors', () => {
  it.each([
    ['/api/v1/sensors/s-1/events?from=not-a-time', 'from'],
    ['/api/v1/sensors/s-1/events?to=2026-11-22T10:00:00', 'to'],
    ['/api/v1/sensors/s-1/events?type=lower', 'type'],
    ['/api/v1/sensors/s-1/events?limit=1001', 'limit'],
    ['/api/v1/sensors/s-1/events?cursor=%21%21', 'cursor'],
    ['/api/v1/sensors/s-1/events?unknown=1', 'unknown'],
    ['/api/v1/sensors/s-1/measurements?metric=Temp', 'metric'],
    [
      '/api/v1/sensors/s-1/statistics?metric=temperature&from=2026-11-22T10:00:00Z&to=2026-11-22T11:00:00Z&bucket=week',
      'bucket',
    ],
    ['/api/v1/sensors/s-1/statistics?metric=temperature&to=2026-11-22T11:00:00Z&bucket=hour', 'from'],
    ['/api/v1/sensors/s-1/readings?limit=0', 'limit'],
    ['/api/v1/sensors/s-1/readings?metric=a&metric=b', 'metric'],
    ['/api/v1/sensors?cursor=abc', 'cursor'],
    ['/api/v1/events?sensorId=has%20space', 'sensorId'],
    [`/api/v1/sensors/${'x'.repeat(129)}/events`, 'sensorId'],
  ])('when GET %s, then 400 names %s', async (path, field) => {
    const res = await request(app).get(path);
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/json');
    expect(res.body).toEqual({
      result: false,
      response: expect.arrayContaining([{ field, message: expect.any(String) }]),
    });
  });

  it('when the route is unknown, then 404 in the JSON error shape', async () => {
    const res = await request(app).get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ result: false, response: [{ field: 'path', message: expect.any(String) }] });
  });

  it('when PostgreSQL answers, then /ready is 200', async () => {
    const res = await request(app).get('/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'UP', checks: { postgres: 'UP' } });
  });
});
