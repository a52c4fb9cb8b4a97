// Request bodies → readings, or every field error. Pure: the clock and the id source are arguments.
import {
  CLIENT_ID,
  type FieldError,
  FieldErrorList,
  isSensorId,
  MAX_VALUE_MAGNITUDE,
  METRIC_NAME,
  parseIsoDateTime,
  printable,
  SENSOR_ID_MESSAGE,
} from '../../shared/src';

/** Body fields that are not metrics. `sensorUuid`/`sensorId` are ignored on the per-sensor endpoint: the path wins. */
const RESERVED = new Set(['at', 'id', 'sensorId', 'sensorUuid']);
const MAX_METRICS_PER_ITEM = 100;

export interface ReadingDraft {
  /** client-chosen id, when the body had one */
  clientId?: string;
  sensorId: string;
  metric: string;
  value: number;
  at: number;
}

export interface ValidationLimits {
  now: number;
  maxFutureSkewMs: number;
  oldestAt: number;
}

/** `errors` lists at most MAX_LISTED_ERRORS; `errorCount`, when there were more, counts them all. */
export type Validated =
  { ok: true; readings: ReadingDraft[] } | { ok: false; errors: FieldError[]; errorCount?: number };

export function validateSensorId(sensorId: unknown, field = 'sensorId'): FieldError | undefined {
  if (!isSensorId(sensorId)) {
    return { field, message: SENSOR_ID_MESSAGE };
  }
  return undefined;
}

/** `POST /api/v1/sensors/{sensorId}/measurements`: one object, the sensor from the path. */
export function validateMeasurement(
  body: unknown,
  sensorId: string,
  maxReadings: number,
  limits: ValidationLimits,
): Validated {
  const sensorError = validateSensorId(sensorId);
  if (sensorError) return { ok: false, errors: [sensorError] };
  const errors = new FieldErrorList();
  const readings = validateItem(body, sensorId, limits, errors, undefined);
  return finish(readings, errors, maxReadings);
}

function finish(readings: ReadingDraft[], errors: FieldErrorList, maxReadings: number): Validated {
  if (errors.count > errors.listed.length) return { ok: false, errors: errors.listed, errorCount: errors.count };
  if (errors.count) return { ok: false, errors: errors.listed };
  if (readings.length > maxReadings) {
    return {
      ok: false,
      errors: [{ field: 'body', message: `must hold at most ${maxReadings} readings (metric values)` }],
    };
  }
  return { ok: true, readings };
}

/** `POST /api/v1/measurements`: an array of objects, each with its own sensorId. All or nothing. */
export function validateBatch(body: unknown, maxReadings: number, limits: ValidationLimits): Validated {
  if (!Array.isArray(body))
    return { ok: false, errors: [{ field: 'body', message: 'must be a JSON array of measurements' }] };
  if (body.length === 0)
    return { ok: false, errors: [{ field: 'body', message: 'must hold at least one measurement' }] };
  if (body.length > maxReadings) {
    return {
      ok: false,
      errors: [{ field: 'body', message: `must hold at most ${maxReadings} readings (metric values)` }],
    };
  }
  // a 1 MiB body can hold 100,000 bad items: count them all, keep the first few
  const errors = new FieldErrorList();
  const readings: ReadingDraft[] = [];
  body.forEach((item, index) => {
    const candidate = isObject(item) ? (item.sensorId ?? item.sensorUuid) : undefined;
    const sensorError = isObject(item) ? validateSensorId(candidate) : undefined;
    if (sensorError) {
      errors.add({ ...sensorError, index });
      // still report the other fields of this item
    }
    readings.push(...validateItem(item, sensorError ? '' : (candidate as string), limits, errors, index));
  });
  return finish(readings, errors, maxReadings);
}

function validateItem(
  item: unknown,
  sensorId: string,
  limits: ValidationLimits,
  errors: FieldErrorList,
  index: number | undefined,
): ReadingDraft[] {
  const fail = (field: string, message: string) =>
    errors.add(index === undefined ? { field, message } : { field, message, index });
  if (!isObject(item)) {
    fail('body', 'must be a JSON object of metric values, e.g. {"temperature": 21.5}');
    return [];
  }
  const at = item.at === undefined ? limits.now : parseAt(item.at, limits, fail);
  let clientId: string | undefined;
  if (item.id !== undefined) {
    if (typeof item.id === 'string' && CLIENT_ID.test(item.id)) clientId = item.id;
    else fail('id', SENSOR_ID_MESSAGE);
  }
  const metrics = Object.keys(item).filter((k) => !RESERVED.has(k));
  if (metrics.length === 0) fail('body', 'must hold at least one metric, e.g. {"temperature": 21.5}');
  if (metrics.length > MAX_METRICS_PER_ITEM) fail('body', `must hold at most ${MAX_METRICS_PER_ITEM} metrics`);
  const readings: ReadingDraft[] = [];
  for (const metric of metrics.slice(0, MAX_METRICS_PER_ITEM)) {
    const value = item[metric];
    const field = printable(metric);
    if (!METRIC_NAME.test(metric)) {
      fail(field, 'metric names are 1-64 characters of [a-z][a-z0-9_]*');
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      fail(field, 'must be a finite number');
    } else if (Math.abs(value) > MAX_VALUE_MAGNITUDE) {
      fail(field, `must be a number from -${MAX_VALUE_MAGNITUDE} to ${MAX_VALUE_MAGNITUDE}`);
    } else if (at !== undefined) {
      readings.push(
        clientId === undefined ? { sensorId, metric, value, at } : { clientId, sensorId, metric, value, at },
      );
    }
  }
  return readings;
}

export function parseAt(
  raw: unknown,
  limits: ValidationLimits,
  fail: (field: string, message: string) => void,
): number | undefined {
  let at: number | undefined;
  if (typeof raw === 'number') {
    if (Number.isInteger(raw)) at = raw;
  } else if (typeof raw === 'string') {
    at = parseIsoDateTime(raw);
  }
  if (at === undefined) {
    fail('at', 'must be an ISO-8601 date-time with offset (2026-11-22T10:00:00Z) or epoch milliseconds');
    return undefined;
  }
  if (at < limits.oldestAt) {
    fail('at', `must not be before ${new Date(limits.oldestAt).toISOString()}`);
    return undefined;
  }
  if (at > limits.now + limits.maxFutureSkewMs) {
    fail('at', `must not be more than ${Math.round(limits.maxFutureSkewMs / 1000)} s in the future`);
    return undefined;
  }
  return at;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
