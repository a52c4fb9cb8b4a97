// Every SQL statement of the assessor. Parameterised only: the statements are fixed text plus
// placeholders, values never enter the SQL. Lists are keyset-paged on the columns of an index, so a
// deep page costs what the first one does. Aggregates read the per-minute rollups for whole minutes
// and the raw readings only for the partial minutes at the edges of a range (see time-windows.ts).
import type { Pool } from 'pg';
import { iso } from '../../shared/src';
import type { TimeKey } from './cursor';
import type { EventsAfter } from './query-params';
import type { Aggregate, BucketRow, EventRow, ReadingRow, SensorMetricRow } from './response-shapes';
import type { BucketGrouping } from './statistics-buckets';
import type { RangeSplit, TimeRange } from './time-windows';

export type EventFilter = EventsAfter & {
  sensorId?: string;
  type?: string;
  from?: number;
  to?: number;
  /** rows to fetch (the page size + 1, to know whether there is a next page) */
  limit: number;
};

export interface ReadingFilter {
  sensorId: string;
  metric?: string;
  from?: number;
  to?: number;
  after?: TimeKey;
  limit: number;
}

export interface SensorPage {
  after?: string;
  prefix?: string;
  /** sensors to fetch (the page size + 1, to know whether there is a next page) */
  limit: number;
}

export interface Repository {
  /** Events ordered by (at, id), or by storage sequence with order 'stored'. */
  events(filter: EventFilter): Promise<EventRow[]>;
  /** count, sum, min, max of one sensor's metric over the parts of a split range. */
  aggregate(sensorId: string, metric: string, split: RangeSplit): Promise<Aggregate>;
  /** The same per bucket (statistics-buckets.ts), oldest first; buckets without readings are absent. */
  buckets(sensorId: string, metric: string, split: RangeSplit, grouping: BucketGrouping): Promise<BucketRow[]>;
  /**
   * The first `limit` sensors after `after` (by id in code-point order), only those whose id starts
   * with `prefix` when given: for each, its first `metricsPerSensor` metrics by name (one row each,
   * ordered by sensor then metric), with the sensor's metric count and latest time.
   */
  sensors(page: SensorPage, metricsPerSensor: number): Promise<SensorMetricRow[]>;
  /** Raw readings of a sensor oldest first, ordered by (at, id). */
  readings(filter: ReadingFilter): Promise<ReadingRow[]>;
  /** Answers when PostgreSQL does (readiness). */
  ping(): Promise<void>;
}

/** `at` as exact epoch microseconds (decimal text), the time part of keyset cursors. */
const AT_US = `(extract(epoch FROM at) * 1000000)::bigint::text`;
/** The inverse, exact over years 1-9999 (whole seconds through float8 stay exact, microseconds added apart). */
export const fromEpochUs = (placeholder: string) =>
  `(to_timestamp(div(${placeholder}::bigint, 1000000)::float8) + mod(${placeholder}::bigint, 1000000) * interval '1 microsecond')`;

/** Collects values and hands out their placeholders, so conditions can be added one by one. */
export function parameters() {
  const values: unknown[] = [];
  return { values, add: (value: unknown) => `$${values.push(value)}` };
}

/** The parts of a split as 6 fixed parameters; an absent part is the empty range [epoch, epoch). */
function splitParameters(split: RangeSplit): string[] {
  const empty: TimeRange = { from: 0, to: 0 };
  const minutes = split.minutes ?? empty;
  const [first = empty, second = empty] = split.raw;
  return [minutes.from, minutes.to, first.from, first.to, second.from, second.to].map(iso);
}

/** The readings of a split range as (t, c, s, mn, mx): one row per whole minute, one per raw reading. */
const SPLIT_PARTS = `
  SELECT minute AS t, count::float8 AS c, sum AS s, min AS mn, max AS mx
  FROM readings_minute
  WHERE sensor_id = $1 AND metric = $2 AND minute >= $3::timestamptz AND minute < $4::timestamptz
  UNION ALL
  SELECT at, 1, value, value, value
  FROM readings
  WHERE sensor_id = $1 AND metric = $2
    AND ((at >= $5::timestamptz AND at < $6::timestamptz) OR (at >= $7::timestamptz AND at < $8::timestamptz))`;

const AGGREGATE = `
WITH parts AS (${SPLIT_PARTS})
SELECT coalesce(sum(c), 0)::float8 AS count, sum(s) AS sum, min(mn) AS min, max(mx) AS max FROM parts`;

/**
 * Fixed buckets: date_bin from year 1 (a UTC midnight, so the same grid as multiples since the epoch),
 * plain arithmetic per row. Grouped over the UNION ALL, whose row count PostgreSQL cannot know the
 * distinct values of: it then hashes the groups in memory (grouping readings_minute directly, it takes
 * every minute for a group and sorts them all, spilling to disk for a month).
 */
const FIXED_BUCKETS = `
WITH parts AS (${SPLIT_PARTS})
SELECT date_bin($9::interval, t, TIMESTAMPTZ '0001-01-01 00:00:00+00') AS start,
  sum(c)::float8 AS count, sum(s) AS sum, min(mn) AS min, max(mx) AS max
FROM parts GROUP BY 1 ORDER BY 1`;

/** Day and week buckets: the 1-based index of each row's bucket among the starts ($9). */
const ZONED_BUCKETS = `
WITH parts AS (${SPLIT_PARTS})
SELECT width_bucket(t, $9::timestamptz[]) AS i, sum(c)::float8 AS count, sum(s) AS sum, min(mn) AS min, max(mx) AS max
FROM parts GROUP BY 1 ORDER BY 1`;

/** The same, the rows first summed per quarter hour ($10), so width_bucket runs once per quarter hour. */
const ZONED_BUCKETS_PRE_BINNED = `
WITH parts AS (${SPLIT_PARTS}), bins AS (
  SELECT date_bin($10::interval, t, TIMESTAMPTZ '0001-01-01 00:00:00+00') AS t,
    sum(c) AS c, sum(s) AS s, min(mn) AS mn, max(mx) AS mx
  FROM parts GROUP BY 1
)
SELECT width_bucket(t, $9::timestamptz[]) AS i, sum(c)::float8 AS count, sum(s) AS sum, min(mn) AS min, max(mx) AS max
FROM bins GROUP BY 1 ORDER BY 1`;

const interval = (ms: number) => `${ms} milliseconds`;

// The page of sensors by a loose index scan (each step one probe of the index for the next sensor
// id), so a sensor with many metrics costs one probe, not a scan of its rows; then, per sensor, its
// metric count and latest time, and its first metrics by name. Ids are compared in "C" order, on the
// index sensor_metrics_sensor_id_c (migration 7): there the ids starting with a prefix p are exactly
// those >= p and < p || U+10FFFF (no id has that character), one range of the index; `upper` is that
// bound, or absent for every sensor.
const SENSORS = (after: string, lower: string, upper: string | undefined, limit: string, metricsPerSensor: string) => {
  const below = (column: string) => (upper === undefined ? '' : ` AND ${column} COLLATE "C" < ${upper}`);
  return `
WITH RECURSIVE ids AS (
  (SELECT sensor_id FROM sensor_metrics
   WHERE sensor_id COLLATE "C" > ${after} AND sensor_id COLLATE "C" >= ${lower}${below('sensor_id')}
   ORDER BY sensor_id COLLATE "C" LIMIT 1)
  UNION ALL
  SELECT (SELECT s.sensor_id FROM sensor_metrics s
          WHERE s.sensor_id COLLATE "C" > ids.sensor_id${below('s.sensor_id')}
          ORDER BY s.sensor_id COLLATE "C" LIMIT 1)
  FROM ids WHERE ids.sensor_id IS NOT NULL
), page AS (
  SELECT sensor_id FROM ids WHERE sensor_id IS NOT NULL LIMIT ${limit}
)
SELECT p.sensor_id, t.metric_count, t.last_reading_at, m.metric, m.last_at, m.last_value, m.count::float8 AS count
FROM page p
CROSS JOIN LATERAL (
  SELECT count(*)::float8 AS metric_count, max(last_at) AS last_reading_at FROM sensor_metrics WHERE sensor_id = p.sensor_id
) t
CROSS JOIN LATERAL (
  SELECT metric, last_at, last_value, count FROM sensor_metrics WHERE sensor_id = p.sensor_id
  ORDER BY metric LIMIT ${metricsPerSensor}
) m
ORDER BY p.sensor_id COLLATE "C", m.metric`;
};

interface EventDbRow {
  id: string;
  sensor_id: string;
  metric: string;
  type: string;
  value: number;
  at: Date;
  at_us: string;
  threshold: number;
  rule: string;
  seq: string;
}

interface ReadingDbRow {
  id: string;
  metric: string;
  value: number;
  at: Date;
  at_us: string;
  received_at: Date;
}

export function createRepository(pool: Pool): Repository {
  return {
    async events(filter) {
      const p = parameters();
      const where: string[] = [];
      if (filter.sensorId !== undefined) where.push(`sensor_id = ${p.add(filter.sensorId)}`);
      if (filter.type !== undefined) where.push(`type = ${p.add(filter.type)}`);
      if (filter.from !== undefined) where.push(`at >= ${p.add(iso(filter.from))}::timestamptz`);
      if (filter.to !== undefined) where.push(`at < ${p.add(iso(filter.to))}::timestamptz`);
      if (filter.order === 'stored') {
        if (filter.after !== undefined) where.push(`seq > ${p.add(filter.after)}::bigint`);
      } else if (filter.after) {
        where.push(`(at, id) > (${fromEpochUs(p.add(filter.after.atUs))}, ${p.add(filter.after.id)}::text)`);
      }
      const sql = `
        SELECT id, sensor_id, metric, type, value, at, ${AT_US} AS at_us, threshold, rule, seq::text AS seq
        FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${filter.order === 'stored' ? 'seq' : 'at, id'} LIMIT ${p.add(filter.limit)}`;
      const { rows } = await pool.query<EventDbRow>(sql, p.values);
      return rows.map((r) => ({
        id: r.id,
        sensorId: r.sensor_id,
        metric: r.metric,
        type: r.type,
        value: r.value,
        at: r.at,
        atUs: r.at_us,
        threshold: r.threshold,
        rule: r.rule,
        seq: r.seq,
      }));
    },

    async aggregate(sensorId, metric, split) {
      const { rows } = await pool.query<Aggregate>(AGGREGATE, [sensorId, metric, ...splitParameters(split)]);
      return rows[0];
    },

    async buckets(sensorId, metric, split, grouping) {
      const common = [sensorId, metric, ...splitParameters(split)];
      if (grouping.by === 'interval') {
        const { rows } = await pool.query<BucketRow>(FIXED_BUCKETS, [...common, interval(grouping.ms)]);
        return rows;
      }
      const { starts, preBinMs } = grouping;
      const sql = preBinMs === null ? ZONED_BUCKETS : ZONED_BUCKETS_PRE_BINNED;
      const values = [...common, starts.map(iso), ...(preBinMs === null ? [] : [interval(preBinMs)])];
      const { rows } = await pool.query<Aggregate & { i: number }>(sql, values);
      // every row is at or after the first start, so i >= 1
      return rows.map(({ i, ...aggregate }) => ({ start: new Date(starts[Math.max(0, i - 1)]), ...aggregate }));
    },

    async sensors(page, metricsPerSensor) {
      const p = parameters();
      // '' sorts before every sensor id, so no cursor is "after ''" and no prefix is ">= ''"
      const after = `${p.add(page.after ?? '')}::text`;
      const lower = `${p.add(page.prefix ?? '')}::text`;
      const upper = page.prefix === undefined ? undefined : `(${lower} || chr(1114111))`;
      const sql = SENSORS(after, lower, upper, p.add(page.limit), p.add(metricsPerSensor));
      const { rows } = await pool.query<{
        sensor_id: string;
        metric_count: number;
        last_reading_at: Date;
        metric: string;
        last_at: Date;
        last_value: number;
        count: number;
      }>(sql, p.values);
      return rows.map((r) => ({
        sensorId: r.sensor_id,
        metricCount: r.metric_count,
        lastReadingAt: r.last_reading_at,
        metric: r.metric,
        lastAt: r.last_at,
        lastValue: r.last_value,
        count: r.count,
      }));
    },

    async readings(filter) {
      const p = parameters();
      const sensor = p.add(filter.sensorId);
      const where: string[] = [];
      if (filter.from !== undefined) where.push(`at >= ${p.add(iso(filter.from))}::timestamptz`);
      if (filter.to !== undefined) where.push(`at < ${p.add(iso(filter.to))}::timestamptz`);
      if (filter.after) {
        // `at >=` is what the (sensor_id, metric, at) index can use; the rest breaks ties on id
        const at = fromEpochUs(p.add(filter.after.atUs));
        where.push(`at >= ${at} AND (at > ${at} OR id > ${p.add(filter.after.id)}::text)`);
      }
      const limit = p.add(filter.limit);
      const conditions = where.map((c) => ` AND ${c}`).join('');
      const columns = `id, metric, value, at, ${AT_US} AS at_us, received_at`;
      // One metric: one index range scan. All metrics: the first rows of each metric (one range scan
      // each, metrics known from sensor_metrics), merged; never a sort of the sensor's whole history.
      const sql =
        filter.metric !== undefined
          ? `SELECT ${columns} FROM readings
             WHERE sensor_id = ${sensor} AND metric = ${p.add(filter.metric)}${conditions}
             ORDER BY at, id LIMIT ${limit}`
          : `SELECT r.* FROM (SELECT metric FROM sensor_metrics WHERE sensor_id = ${sensor}) m
             CROSS JOIN LATERAL (
               SELECT ${columns} FROM readings
               WHERE sensor_id = ${sensor} AND metric = m.metric${conditions}
               ORDER BY at, id LIMIT ${limit}
             ) r
             ORDER BY r.at, r.id LIMIT ${limit}`;
      const { rows } = await pool.query<ReadingDbRow>(sql, p.values);
      return rows.map((r) => ({
        id: r.id,
        metric: r.metric,
        value: r.value,
        at: r.at,
        atUs: r.at_us,
        receivedAt: r.received_at,
      }));
    },

    async ping() {
      await pool.query('SELECT 1');
    },
  };
}
