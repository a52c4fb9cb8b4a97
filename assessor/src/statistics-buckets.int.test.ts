// Statistics with duration buckets and time zones on a real PostgreSQL: each test stores raw readings
// and their minute rollups (as the saver does) for a sensor of its own, then compares the API's buckets
// with the same statistics computed here from the raw readings.
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import request from 'supertest';
import { createLogger, createPool, iso } from '../../shared/src';
import { testConfig } from '../../test/helpers';
import { createApp } from './app';

const config = testConfig();
const logger = createLogger({ name: 'statistics-test', level: config.log.level });
const MIN = 60_000;
const HOUR = 60 * MIN;

let pool: Pool;
let app: Express;
const sensors: string[] = [];

interface Seed {
  at: number;
  value: number;
}

/** Raw readings, then their minute rollups recomputed from them. */
async function store(readings: Seed[]): Promise<string> {
  const sensorId = `stats-${randomUUID()}`;
  sensors.push(sensorId);
  await pool.query(
    `INSERT INTO readings (id, sensor_id, metric, value, at, received_at)
     SELECT gen_random_uuid()::text, $1, 'temperature', value, at, at
     FROM unnest($2::float8[], $3::timestamptz[]) AS r(value, at)`,
    [sensorId, readings.map((r) => r.value), readings.map((r) => iso(r.at))],
  );
  await pool.query(
    `INSERT INTO readings_minute (sensor_id, metric, minute, count, sum, min, max)
     SELECT sensor_id, metric, date_trunc('minute', at), count(*), sum(value), min(value), max(value)
     FROM readings WHERE sensor_id = $1 GROUP BY 1, 2, 3`,
    [sensorId],
  );
  return sensorId;
}

/** Every `stepMs` from `from` (included) to `to` (excluded), values varying. */
const series = (from: string, to: string, stepMs: number): Seed[] => {
  const out: Seed[] = [];
  for (let at = Date.parse(from), i = 0; at < Date.parse(to); at += stepMs, i++)
    out.push({ at, value: ((i * 37) % 101) - 20 });
  return out;
};

const summary = (values: number[]) => {
  const sum = values.reduce((a, b) => a + b, 0);
  return { count: values.length, min: Math.min(...values), max: Math.max(...values), avg: sum / values.length, sum };
};

/** The buckets the API must answer, from the raw readings and the bucket starts given. */
function reference(readings: Seed[], range: { from: number; to: number }, starts: number[]) {
  const inRange = readings.filter((r) => r.at >= range.from && r.at < range.to);
  return starts
    .map((start, i) => {
      const end = starts[i + 1] ?? Number.POSITIVE_INFINITY;
      return { start, values: inRange.filter((r) => r.at >= start && r.at < end).map((r) => r.value) };
    })
    .filter((b) => b.values.length > 0)
    .map((b) => {
      const s = summary(b.values);
      return { start: iso(b.start), ...s, avg: expect.closeTo(s.avg, 9), sum: expect.closeTo(s.sum, 9) };
    });
}

async function statistics(sensorId: string, query: Record<string, string>) {
  return request(app).get(
    `/api/v1/sensors/${sensorId}/statistics?${new URLSearchParams({ metric: 'temperature', ...query })}`,
  );
}

beforeAll(() => {
  pool = createPool(config.postgres, logger);
  app = createApp({ config: config.assessor, pool, registry: new Registry(), logger });
});

afterAll(async () => {
  for (const table of ['readings', 'readings_minute']) {
    await pool.query(`DELETE FROM ${table} WHERE sensor_id = ANY($1)`, [sensors]);
  }
  await pool.end();
});

describe('day buckets in Europe/Berlin', () => {
  // a reading every 7 minutes 13 seconds (not minute aligned), over both clock changes of 2026
  const spring = series('2026-03-27T20:00:00Z', '2026-03-31T04:00:00Z', 7 * MIN + 13_000);
  const autumn = series('2026-10-23T20:00:00Z', '2026-10-27T04:00:00Z', 7 * MIN + 13_000);

  it('when the clocks spring forward, then that day is one bucket of 23 hours and the counts are exact', async () => {
    const sensorId = await store(spring);
    // from and to inside minutes, so the edges come from the raw readings
    const range = { from: Date.parse('2026-03-28T06:30:20Z'), to: Date.parse('2026-03-30T17:12:40Z') };
    const res = await statistics(sensorId, {
      from: iso(range.from),
      to: iso(range.to),
      bucket: '1d',
      tz: 'Europe/Berlin',
    });
    expect(res.status).toBe(200);
    const starts = ['2026-03-27T23:00:00Z', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z'].map(Date.parse);
    expect(res.body).toEqual({
      sensorId,
      metric: 'temperature',
      from: iso(range.from),
      to: iso(range.to),
      bucket: '1d',
      tz: 'Europe/Berlin',
      buckets: reference(spring, range, starts),
      total: expect.objectContaining({ count: spring.filter((r) => r.at >= range.from && r.at < range.to).length }),
    });
    // the 29th runs from 23:00Z to 22:00Z: 23 hours of readings every 433 s
    expect(res.body.buckets[1].count).toBe(spring.filter((r) => r.at >= starts[1] && r.at < starts[2]).length);
    expect(res.body.buckets[1].count).toBeLessThan((23 * HOUR) / (7 * MIN + 13_000) + 1);
  });

  it('when the clocks fall back, then that day is one bucket of 25 hours', async () => {
    const sensorId = await store(autumn);
    const range = { from: Date.parse('2026-10-24T22:00:00Z'), to: Date.parse('2026-10-26T23:00:00Z') };
    const res = await statistics(sensorId, {
      from: iso(range.from),
      to: iso(range.to),
      bucket: 'day',
      tz: 'Europe/Berlin',
    });
    expect(res.status).toBe(200);
    const starts = ['2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z'].map(Date.parse);
    expect(res.body.buckets).toEqual(reference(autumn, range, starts));
    expect(res.body.buckets[0].count).toBeGreaterThan((25 * HOUR) / (7 * MIN + 13_000) - 1);
  });

  it('when the same range is asked in UTC, then the days are UTC days', async () => {
    const sensorId = await store(spring);
    const range = { from: Date.parse('2026-03-28T00:00:00Z'), to: Date.parse('2026-03-30T00:00:00Z') };
    const res = await statistics(sensorId, { from: iso(range.from), to: iso(range.to), bucket: '1d' });
    expect(res.body.tz).toBeUndefined();
    expect(res.body.buckets).toEqual(reference(spring, range, [range.from, range.from + 24 * HOUR]));
  });
});

describe('week buckets', () => {
  it('when bucketed by 7d in Europe/Berlin, then weeks start on Monday at local midnight', async () => {
    // Thursday 2026-11-19 to Wednesday 2026-12-02, every 17 minutes
    const readings = series('2026-11-19T00:00:00Z', '2026-12-02T00:00:00Z', 17 * MIN);
    const sensorId = await store(readings);
    const range = { from: Date.parse('2026-11-19T00:00:00Z'), to: Date.parse('2026-12-02T00:00:00Z') };
    const res = await statistics(sensorId, {
      from: iso(range.from),
      to: iso(range.to),
      bucket: '7d',
      tz: 'Europe/Berlin',
    });
    expect(res.status).toBe(200);
    // Mondays 16, 23 and 30 November, 00:00 +01:00
    const starts = ['2026-11-15T23:00:00Z', '2026-11-22T23:00:00Z', '2026-11-29T23:00:00Z'].map(Date.parse);
    expect(res.body.buckets).toEqual(reference(readings, range, starts));
    expect(res.body.buckets.map((b: { start: string }) => new Date(b.start).getUTCDay())).toEqual([0, 0, 0]);
  });
});

describe('duration buckets', () => {
  const readings = series('2026-11-22T08:00:00Z', '2026-11-22T20:00:00Z', 53_000);

  it.each([
    ['5m', 5 * MIN, '2026-11-22T09:02:10Z', '2026-11-22T10:17:50Z'],
    ['15m', 15 * MIN, '2026-11-22T09:02:10Z', '2026-11-22T12:17:50Z'],
    ['3h', 3 * HOUR, '2026-11-22T08:00:00Z', '2026-11-22T19:59:59.999Z'],
    ['12h', 12 * HOUR, '2026-11-22T08:30:00.500Z', '2026-11-22T19:00:00Z'],
  ])(
    'when bucketed by %s, then buckets start at UTC multiples and match the raw readings exactly',
    async (bucket, size, from, to) => {
      const sensorId = await store(readings);
      const range = { from: Date.parse(from as string), to: Date.parse(to as string) };
      // a zone changes nothing for sub-day buckets
      const res = await statistics(sensorId, {
        from: from as string,
        to: to as string,
        bucket: bucket as string,
        tz: 'Asia/Kolkata',
      });
      expect(res.status).toBe(200);
      const starts: number[] = [];
      for (let t = Math.floor(range.from / (size as number)) * (size as number); t < range.to; t += size as number)
        starts.push(t);
      expect(res.body.buckets).toEqual(reference(readings, range, starts));
    },
  );

  it('when whole minutes are inside the range, then they come from the rollups (a rollup without raw rows counts)', async () => {
    const sensorId = await store([{ at: Date.parse('2026-11-22T10:00:40Z'), value: 2 }]);
    await pool.query(
      `INSERT INTO readings_minute (sensor_id, metric, minute, count, sum, min, max)
       VALUES ($1, 'temperature', '2026-11-22T10:05:00Z', 5, 50, 3, 20)`,
      [sensorId],
    );
    const res = await statistics(sensorId, {
      from: '2026-11-22T10:00:30+01:00',
      to: '2026-11-23T00:00:00+01:00',
      bucket: '1d',
      tz: 'Europe/Paris',
    });
    expect(res.body.buckets).toEqual([
      { start: '2026-11-21T23:00:00.000Z', count: 6, min: 2, max: 20, avg: 52 / 6, sum: 52 },
    ]);
  });
});

describe('zones of the past', () => {
  it('when a day starts inside a minute (New York local mean time, 1880), then the readings of that minute go to their own days', async () => {
    // New York's days started at 04:56:02 UTC; a minute's rollup would put both readings in one day
    const readings = [
      { at: Date.parse('1880-01-02T04:56:01Z'), value: 1 },
      { at: Date.parse('1880-01-02T04:56:03Z'), value: 2 },
    ];
    const sensorId = await store(readings);
    const res = await statistics(sensorId, {
      from: '1880-01-01T12:00:00Z',
      to: '1880-01-03T12:00:00Z',
      bucket: '1d',
      tz: 'America/New_York',
    });
    expect(res.status).toBe(200);
    expect(res.body.buckets).toEqual([
      { start: '1880-01-01T04:56:02.000Z', count: 1, min: 1, max: 1, avg: 1, sum: 1 },
      { start: '1880-01-02T04:56:02.000Z', count: 1, min: 2, max: 2, avg: 2, sum: 2 },
    ]);
  });
});

describe('errors', () => {
  it.each([
    [{ bucket: '1d', tz: 'Mars/Olympus' }, 'tz'],
    [{ bucket: '2d' }, 'bucket'],
    [{ bucket: '1m', from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }, 'bucket'],
  ])('when asked %j, then 400 names %s', async (query, field) => {
    const res = await statistics('s-1', { from: '2026-11-22T00:00:00Z', to: '2026-11-23T00:00:00Z', ...query });
    expect(res.status).toBe(400);
    expect(res.body.response).toEqual([{ field, message: expect.any(String) }]);
  });
});
