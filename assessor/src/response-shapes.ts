// Rows from the repository → the JSON bodies of the contract. Pure. Times are ISO-8601 in UTC with
// milliseconds. Lists are fetched one item beyond the page so the cursor is given only when more exist.
import { iso } from '../../shared/src';
import { encodeSensorKey, encodeStoredKey, encodeTimeKey } from './cursor';
import type { EventsAfter } from './query-params';
import type { Bucket } from './statistics-buckets';
import type { TimeRange } from './time-windows';

export interface EventRow {
  id: string;
  sensorId: string;
  metric: string;
  type: string;
  value: number;
  at: Date;
  /** `at` in epoch microseconds, exact, for the cursor */
  atUs: string;
  threshold: number;
  rule: string;
  /** storage sequence number (bigint as decimal text), for the cursor of order=stored */
  seq: string;
}

export interface ReadingRow {
  id: string;
  metric: string;
  value: number;
  at: Date;
  atUs: string;
  receivedAt: Date;
}

export interface SensorMetricRow {
  sensorId: string;
  /** the sensor's metrics, all of them (the rows hold only the first few) */
  metricCount: number;
  /** the latest reading time of the sensor, over all its metrics */
  lastReadingAt: Date;
  metric: string;
  lastAt: Date;
  lastValue: number;
  count: number;
}

/** count, sum, min and max of a set of readings; sum, min and max are null when it is empty. */
export interface Aggregate {
  count: number;
  sum: number | null;
  min: number | null;
  max: number | null;
}

export interface BucketRow extends Aggregate {
  start: Date;
}

export interface Summary {
  count: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  sum: number;
}

/** Splits rows fetched with limit + 1 into the page and the cursor of the next one (when there is one). */
export function page<T>(
  rows: T[],
  limit: number,
  cursorOf: (last: T) => string,
): { items: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: cursorOf(items[items.length - 1]) };
}

/**
 * A page of events and its cursor. By (at, id): a cursor only when more exist. By storage order
 * (order=stored): always one, after the last event of the page or where the request started, so a
 * follower always has a position to ask again from (an empty page means it has caught up).
 */
function eventsPage(rows: EventRow[], limit: number, position: EventsAfter) {
  if (position.order === 'at') {
    return page(rows, limit, (row) => encodeTimeKey('event', { atUs: row.atUs, id: row.id }));
  }
  const items = rows.slice(0, limit);
  const last = items.length ? items[items.length - 1].seq : (position.after ?? '0');
  return { items, nextCursor: encodeStoredKey(last) };
}

/**
 * The 2017 shape: the field named after the metric comes first (`{"temperature": 99, "at": ...}`), then
 * `at`, `type`, `metric` and `value`. A metric named like one of those fields gives way to the field.
 */
export function compatEvent(row: Pick<EventRow, 'metric' | 'value' | 'at' | 'type'>): Record<string, number | string> {
  // fromEntries defines an own property whatever the name, so no name can reach the prototype
  const event: Record<string, number | string> = Object.fromEntries([[row.metric, row.value]]);
  event.at = iso(row.at);
  event.type = row.type;
  event.metric = row.metric;
  event.value = row.value;
  return event;
}

export function sensorEventsBody(
  sensorId: string,
  rows: EventRow[],
  limit: number,
  position: EventsAfter = { order: 'at' },
) {
  const { items, nextCursor } = eventsPage(rows, limit, position);
  return { sensorUuid: sensorId, events: items.map(compatEvent), ...(nextCursor ? { nextCursor } : {}) };
}

export function eventsBody(rows: EventRow[], limit: number, position: EventsAfter = { order: 'at' }) {
  const { items, nextCursor } = eventsPage(rows, limit, position);
  return {
    events: items.map((e) => ({
      id: e.id,
      sensorId: e.sensorId,
      metric: e.metric,
      type: e.type,
      value: e.value,
      at: iso(e.at),
      threshold: e.threshold,
      rule: e.rule,
    })),
    nextCursor,
  };
}

const average = (a: Aggregate): number | null => (a.count > 0 && a.sum !== null ? a.sum / a.count : null);

export function measurementsBody(
  sensorId: string,
  windows: { lastHour: Aggregate; last7Days: Aggregate; last30Days: Aggregate },
) {
  return {
    sensorUuid: sensorId,
    averageLastHour: average(windows.lastHour),
    averageLast7Days: average(windows.last7Days),
    maxLast30Days: windows.last30Days.count > 0 ? windows.last30Days.max : null,
  };
}

function summary(a: Aggregate): Summary {
  if (a.count === 0) return { count: 0, min: null, max: null, avg: null, sum: 0 };
  return { count: a.count, min: a.min, max: a.max, avg: average(a), sum: a.sum ?? 0 };
}

/** Combines the aggregates of disjoint sets into the aggregate of their union. */
export function combine(parts: Aggregate[]): Aggregate {
  let count = 0;
  let sum: number | null = null;
  let min: number | null = null;
  let max: number | null = null;
  for (const p of parts) {
    if (p.count === 0) continue;
    count += p.count;
    sum = (sum ?? 0) + (p.sum ?? 0);
    min = min === null || (p.min !== null && p.min < min) ? p.min : min;
    max = max === null || (p.max !== null && p.max > max) ? p.max : max;
  }
  return { count, sum, min, max };
}

/** `tz` is echoed when the request gave one (day and week buckets were aligned to it). */
export function statisticsBody(
  query: { sensorId: string; metric: string; range: TimeRange; bucket: Bucket; tz?: string },
  rows: BucketRow[],
) {
  const buckets = rows
    .filter((b) => b.count > 0)
    .sort((a, b) => a.start.getTime() - b.start.getTime())
    .map((b) => ({ start: iso(b.start), ...summary(b) }));
  return {
    sensorId: query.sensorId,
    metric: query.metric,
    from: iso(query.range.from),
    to: iso(query.range.to),
    bucket: query.bucket,
    ...(query.tz === undefined ? {} : { tz: query.tz }),
    buckets,
    total: summary(combine(rows)),
  };
}

/**
 * Rows of (sensor, metric), ordered by sensor, for at most limit + 1 sensors. `metrics` holds the
 * metrics of the rows (the first few by name); `metricCount` counts all the sensor's metrics.
 */
export function sensorsBody(rows: SensorMetricRow[], limit: number) {
  const sensors: Array<{
    sensorId: string;
    lastReadingAt: string;
    metricCount: number;
    metrics: Record<string, { lastValue: number; lastAt: string; count: number }>;
  }> = [];
  for (const row of rows) {
    let sensor = sensors[sensors.length - 1];
    if (sensor?.sensorId !== row.sensorId) {
      sensor = {
        sensorId: row.sensorId,
        lastReadingAt: iso(row.lastReadingAt),
        metricCount: row.metricCount,
        metrics: {},
      };
      sensors.push(sensor);
    }
    Object.defineProperty(sensor.metrics, row.metric, {
      value: { lastValue: row.lastValue, lastAt: iso(row.lastAt), count: row.count },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const { items, nextCursor } = page(sensors, limit, (last) => encodeSensorKey(last.sensorId));
  return { sensors: items, nextCursor };
}

export function readingsBody(sensorId: string, rows: ReadingRow[], limit: number) {
  const { items, nextCursor } = page(rows, limit, (r) => encodeTimeKey('reading', { atUs: r.atUs, id: r.id }));
  return {
    sensorId,
    readings: items.map((r) => ({
      id: r.id,
      metric: r.metric,
      value: r.value,
      at: iso(r.at),
      receivedAt: iso(r.receivedAt),
    })),
    nextCursor,
  };
}
