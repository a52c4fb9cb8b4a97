// Request parameters of the assessor → typed queries, or a 400 naming every bad field. Pure.
// Rules common to every endpoint: a parameter the endpoint does not know is an error (a typo must not
// silently widen a query), a parameter given twice is an error, an empty value is invalid (except
// `cursor`, where empty means the first page), and times are ISO-8601 with an offset or epoch ms.
import {
  EARLIEST_MS,
  EVENT_TYPE,
  type FieldError,
  isSensorId,
  LATEST_MS,
  METRIC_NAME,
  parseIsoDateTime,
  printable,
  SENSOR_ID,
  SENSOR_ID_MESSAGE,
  validationError,
} from '../../shared/src';
import { decodeSensorKey, decodeStoredKey, decodeTimeKey, type TimeKey } from './cursor';
import { BUCKETS, type Bucket, bucketCount, isBucket, type TimeZone, timeZone, UTC } from './statistics-buckets';
import type { TimeRange } from './time-windows';

export const DEFAULT_METRIC = 'temperature';

const EPOCH_MS = /^\d{1,15}$/;
/** 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z: instants outside do not print as plain ISO-8601. */
const TIME_MESSAGE = 'must be an ISO-8601 date-time with offset (2026-11-22T10:00:00Z) or epoch milliseconds';

/** What express gives as req.query with the 'simple' parser: strings, or arrays of them when repeated. */
export type RawQuery = Record<string, unknown>;

export interface PageLimits {
  defaultLimit: number;
  maxLimit: number;
}

export interface OptionalRange {
  from?: number;
  to?: number;
}

/**
 * `at`: by (at, id), the default (and the original's order). `stored`: by storage sequence, so a
 * follower paging from the start sees every event once, however late it was stored.
 */
export const EVENT_ORDERS = ['at', 'stored'] as const;
export type EventOrder = (typeof EVENT_ORDERS)[number];

/** Where a page of events starts: after an (at, id) or after a storage sequence number, by order. */
export type EventsAfter = { order: 'at'; after?: TimeKey } | { order: 'stored'; after?: string };

export type SensorEventsQuery = OptionalRange &
  EventsAfter & {
    sensorId: string;
    type?: string;
    limit: number;
  };

export type EventsQuery = OptionalRange &
  EventsAfter & {
    sensorId?: string;
    type?: string;
    limit: number;
  };

export interface MeasurementsQuery {
  sensorId: string;
  metric: string;
}

export interface StatisticsQuery {
  sensorId: string;
  metric: string;
  range: TimeRange;
  bucket: Bucket;
  /** the zone day and week buckets are aligned to (UTC unless `tz` was given) */
  zone: TimeZone;
  /** `tz` as given, echoed in the answer; absent when not given */
  tz?: string;
}

export interface SensorsQuery {
  limit: number;
  after?: string;
  /** only the sensors whose id starts with it (case-sensitive, every character literal) */
  prefix?: string;
}

/** The longest sensor id there is (SENSOR_ID), so the longest prefix that can match one. */
export const MAX_PREFIX_CHARS = 128;
/** C0 and C1 control characters and DEL: never in a sensor id, and not meant by a search. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Why a sensor-id prefix is refused, or undefined when it is fine. Any other character is allowed and
 * taken literally (`%`, `_`, `*` and `\` are not patterns): one outside the sensor-id set matches none.
 */
export function sensorPrefixError(prefix: string): string | undefined {
  if (prefix === '') return 'must not be empty (leave it out to list every sensor)';
  if ([...prefix].length > MAX_PREFIX_CHARS) {
    return `must be at most ${MAX_PREFIX_CHARS} characters (the longest sensor id)`;
  }
  if (CONTROL.test(prefix)) return 'must not contain control characters';
  return undefined;
}

export interface ReadingsQuery extends OptionalRange {
  sensorId: string;
  metric?: string;
  limit: number;
  after?: TimeKey;
}

/** Parses an instant: ISO-8601 date-time with offset, or epoch milliseconds. */
export function parseInstant(text: string): number | undefined {
  const ms = EPOCH_MS.test(text) ? Number(text) : parseIsoDateTime(text);
  return ms !== undefined && Number.isFinite(ms) && ms >= EARLIEST_MS && ms <= LATEST_MS ? ms : undefined;
}

/** Reads one request's parameters, collecting every error; `done()` throws them as one 400. */
export function reader(query: RawQuery, allowed: readonly string[]) {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => {
    errors.push({ field, message });
  };
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name)) {
      fail(
        printable(name),
        allowed.length
          ? `is not a parameter of this endpoint (known: ${allowed.join(', ')})`
          : 'is not a parameter of this endpoint (it takes none)',
      );
    }
  }
  const text = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      fail(name, 'must be given once');
      return undefined;
    }
    return value;
  };
  const matching = (name: string, pattern: RegExp, message: string): string | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    if (!pattern.test(value)) {
      fail(name, message);
      return undefined;
    }
    return value;
  };
  const required = <T>(name: string, value: T | undefined, what: string): T | undefined => {
    if (value === undefined && query[name] === undefined) fail(name, `is required: ${what}`);
    return value;
  };
  const instant = (name: string): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const ms = parseInstant(value);
    if (ms === undefined) fail(name, TIME_MESSAGE);
    return ms;
  };
  const range = (): OptionalRange => {
    const from = instant('from');
    const to = instant('to');
    if (from !== undefined && to !== undefined && from >= to) fail('to', 'must be after from');
    return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
  };
  const limit = (limits: PageLimits): number => {
    const value = text('limit');
    if (value === undefined) return limits.defaultLimit;
    const n = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
    if (!(n >= 1 && n <= limits.maxLimit)) fail('limit', `must be an integer from 1 to ${limits.maxLimit}`);
    return n;
  };
  const cursor = <T>(decode: (text: string) => T | undefined): T | undefined => {
    const value = text('cursor');
    if (!value) return undefined;
    const decoded = decode(value);
    if (decoded === undefined) fail('cursor', 'is not a cursor this endpoint returned');
    return decoded;
  };
  const metric = () => matching('metric', METRIC_NAME, 'must be 1-64 characters of [a-z][a-z0-9_]*');
  const type = () =>
    matching('type', EVENT_TYPE, 'must be 1-81 characters of [A-Z][A-Z0-9_]*, e.g. TEMPERATURE_EXCEEDED');
  const done = () => {
    if (errors.length) throw validationError(errors);
  };
  return { fail, text, matching, required, instant, range, limit, cursor, metric, type, done };
}

export type Reader = ReturnType<typeof reader>;

export function pathSensorId(r: Reader, sensorId: unknown): string {
  if (!isSensorId(sensorId)) r.fail('sensorId', SENSOR_ID_MESSAGE);
  return sensorId as string;
}

const eventKey = (text: string) => decodeTimeKey(text, 'event');
const readingKey = (text: string) => decodeTimeKey(text, 'reading');

/** `order` and the cursor of that order (a cursor of the other order is refused). */
function eventsAfter(r: Reader): EventsAfter {
  const text = r.text('order');
  const order = text === undefined ? 'at' : EVENT_ORDERS.find((o) => o === text);
  if (!order) {
    r.fail('order', `must be one of ${EVENT_ORDERS.join(', ')}`);
    return { order: 'at' };
  }
  return order === 'stored' ? { order, after: r.cursor(decodeStoredKey) } : { order, after: r.cursor(eventKey) };
}

/** GET /api/v1/sensors/{sensorId}/events (compat) */
export function parseSensorEventsQuery(sensorId: unknown, query: RawQuery, limits: PageLimits): SensorEventsQuery {
  const r = reader(query, ['from', 'to', 'type', 'limit', 'cursor', 'order']);
  const parsed: SensorEventsQuery = {
    sensorId: pathSensorId(r, sensorId),
    ...r.range(),
    type: r.type(),
    limit: r.limit(limits),
    ...eventsAfter(r),
  };
  r.done();
  return parsed;
}

/** GET /api/v1/events */
export function parseEventsQuery(query: RawQuery, limits: PageLimits): EventsQuery {
  const r = reader(query, ['sensorId', 'type', 'from', 'to', 'limit', 'cursor', 'order']);
  const parsed: EventsQuery = {
    sensorId: r.matching('sensorId', SENSOR_ID, SENSOR_ID_MESSAGE),
    type: r.type(),
    ...r.range(),
    limit: r.limit(limits),
    ...eventsAfter(r),
  };
  r.done();
  return parsed;
}

/** GET /api/v1/sensors/{sensorId}/measurements (compat) */
export function parseMeasurementsQuery(sensorId: unknown, query: RawQuery): MeasurementsQuery {
  const r = reader(query, ['metric']);
  const parsed = { sensorId: pathSensorId(r, sensorId), metric: r.metric() ?? DEFAULT_METRIC };
  r.done();
  return parsed;
}

/** GET /api/v1/sensors/{sensorId}/statistics */
export function parseStatisticsQuery(sensorId: unknown, query: RawQuery, maxBuckets: number): StatisticsQuery {
  const r = reader(query, ['metric', 'from', 'to', 'bucket', 'tz']);
  const id = pathSensorId(r, sensorId);
  const metric = r.required('metric', r.metric(), 'the metric to summarise, e.g. temperature');
  const { from, to } = r.range();
  r.required('from', from, 'start of the range (included)');
  r.required('to', to, 'end of the range (excluded)');
  const bucketText = r.required('bucket', r.text('bucket'), BUCKETS.join(', '));
  const bucket = isBucket(bucketText) ? bucketText : undefined;
  if (bucketText !== undefined && !bucket) r.fail('bucket', `must be one of ${BUCKETS.join(', ')}`);
  const tz = r.text('tz');
  const zone = tz === undefined ? UTC : timeZone(tz);
  if (!zone) r.fail('tz', 'must be an IANA time zone name, e.g. Europe/Berlin or UTC');
  if (from !== undefined && to !== undefined && from < to && bucket && zone) {
    const count = bucketCount({ from, to }, bucket, zone);
    if (count > maxBuckets) {
      r.fail(
        'bucket',
        `the range spans ${count} ${bucket} buckets, more than ${maxBuckets}: use a larger bucket or a shorter range`,
      );
    }
  }
  r.done();
  return {
    sensorId: id,
    metric: metric as string,
    range: { from: from as number, to: to as number },
    bucket: bucket as Bucket,
    zone: zone as TimeZone,
    ...(tz === undefined ? {} : { tz }),
  };
}

/** GET /api/v1/sensors */
export function parseSensorsQuery(query: RawQuery, limits: PageLimits): SensorsQuery {
  const r = reader(query, ['prefix', 'limit', 'cursor']);
  const parsed: SensorsQuery = { limit: r.limit(limits), after: r.cursor((t) => decodeSensorKey(t, isSensorId)) };
  const prefix = r.text('prefix');
  if (prefix !== undefined) {
    const error = sensorPrefixError(prefix);
    if (error) r.fail('prefix', error);
    else parsed.prefix = prefix;
  }
  r.done();
  return parsed;
}

/** GET /api/v1/sensors/{sensorId}/readings */
export function parseReadingsQuery(sensorId: unknown, query: RawQuery, limits: PageLimits): ReadingsQuery {
  const r = reader(query, ['metric', 'from', 'to', 'limit', 'cursor']);
  const parsed: ReadingsQuery = {
    sensorId: pathSensorId(r, sensorId),
    metric: r.metric(),
    ...r.range(),
    limit: r.limit(limits),
    after: r.cursor(readingKey),
  };
  r.done();
  return parsed;
}
