// What the tests send about a sensor, and what the stack says it holds: receiver calls, stored rows,
// assessor answers. Each throws a one-line reason when the answer is not of the contract's shape.
import { expectEqual, expectStatus, expectTrue } from './assertions';
import type { TestContext } from './test-definition';
import { describe } from './wait-for';

export interface StoredReading {
  id: string;
  sensorId: string;
  metric: string;
  value: number;
  /** epoch ms */
  at: number;
}

export interface StoredEvent {
  id: string;
  sensorId: string;
  metric: string;
  type: string;
  value: number;
  at: number;
  readingId: string;
}

export interface AssessorEvent {
  at: string;
  type: string;
  metric: string;
  value: number;
  [compat: string]: unknown;
}

export interface AssessorMeasurements {
  averageLastHour: number | null;
  averageLast7Days: number | null;
  maxLast30Days: number | null;
}

export const measurementsPath = (sensorId: string) => `/api/v1/sensors/${encodeURIComponent(sensorId)}/measurements`;
export const eventsPath = (sensorId: string) => `/api/v1/sensors/${encodeURIComponent(sensorId)}/events`;
export const BATCH_PATH = '/api/v1/measurements';

/** The compat endpoint, which must answer exactly 200 {"result": true, "response": "OK"}. */
export async function postMeasurement(ctx: TestContext, sensorId: string, body: unknown): Promise<void> {
  const what = `POST ${measurementsPath(sensorId)} ${describe(body, 120)}`;
  const response = await ctx.receiver.postJson(measurementsPath(sensorId), body);
  expectStatus(response, 200, what);
  expectEqual(response.json, { result: true, response: 'OK' }, `${what} answer`);
}

/** The batch endpoint; returns the accepted count after checking the answer's shape. */
export async function postBatch(ctx: TestContext, items: unknown[]): Promise<number> {
  const what = `POST ${BATCH_PATH} (${items.length} items)`;
  const response = await ctx.receiver.postJson(BATCH_PATH, items);
  expectStatus(response, 200, what);
  const body = response.json as { result?: unknown; response?: { accepted?: unknown } };
  expectTrue(
    body.result === true && typeof body.response?.accepted === 'number',
    `${what}: expected {"result":true,"response":{"accepted":n}}, got ${describe(body)}`,
  );
  return body.response.accepted as number;
}

/** Readings in PostgreSQL of these sensors, each sensor's in time order. */
export async function storedReadings(ctx: TestContext, sensorIds: readonly string[]): Promise<StoredReading[]> {
  const rows = await ctx.query<{ id: string; sensor_id: string; metric: string; value: number; at: Date }>(
    'SELECT id, sensor_id, metric, value, at FROM readings WHERE sensor_id = ANY($1) ORDER BY sensor_id, at, id',
    [sensorIds],
  );
  return rows.map((r) => ({ id: r.id, sensorId: r.sensor_id, metric: r.metric, value: r.value, at: r.at.getTime() }));
}

/** Events in PostgreSQL of these sensors, each sensor's in time order. */
export async function storedEvents(ctx: TestContext, sensorIds: readonly string[]): Promise<StoredEvent[]> {
  const rows = await ctx.query<{
    id: string;
    sensor_id: string;
    metric: string;
    type: string;
    value: number;
    at: Date;
    reading_id: string;
  }>(
    'SELECT id, sensor_id, metric, type, value, at, reading_id FROM events WHERE sensor_id = ANY($1) ORDER BY sensor_id, at, id',
    [sensorIds],
  );
  return rows.map((r) => ({
    id: r.id,
    sensorId: r.sensor_id,
    metric: r.metric,
    type: r.type,
    value: r.value,
    at: r.at.getTime(),
    readingId: r.reading_id,
  }));
}

/** Stored readings per sensor; every sensor asked for has an entry, [] when none. */
export async function storedReadingsBySensor(
  ctx: TestContext,
  sensorIds: readonly string[],
): Promise<Map<string, StoredReading[]>> {
  return groupBy(await storedReadings(ctx, sensorIds), sensorIds, (r) => r.sensorId);
}

export async function storedEventsBySensor(
  ctx: TestContext,
  sensorIds: readonly string[],
): Promise<Map<string, StoredEvent[]>> {
  return groupBy(await storedEvents(ctx, sensorIds), sensorIds, (e) => e.sensorId);
}

/** GET …/events, checked for the contract's shape. */
export async function assessorEvents(ctx: TestContext, sensorId: string): Promise<AssessorEvent[]> {
  const what = `assessor GET ${eventsPath(sensorId)}`;
  const response = await ctx.assessor.get(eventsPath(sensorId));
  expectStatus(response, 200, what);
  const body = response.json as { sensorUuid?: unknown; events?: unknown };
  expectEqual(body.sensorUuid, sensorId, `${what} sensorUuid`);
  expectTrue(Array.isArray(body.events), `${what}: expected an "events" array, got ${describe(body)}`);
  for (const event of body.events as AssessorEvent[]) {
    expectTrue(
      typeof event === 'object' &&
        event !== null &&
        typeof event.at === 'string' &&
        typeof event.type === 'string' &&
        typeof event.metric === 'string' &&
        typeof event.value === 'number' &&
        event[event.metric] === event.value,
      `${what}: expected events of {"<metric>": value, "at", "type", "metric", "value"}, got ${describe(event)}`,
    );
    expectTrue(
      /Z$/.test(event.at) && !Number.isNaN(Date.parse(event.at)),
      `${what}: "at" must be ISO-8601 in UTC, got ${describe(event.at)}`,
    );
  }
  return body.events as AssessorEvent[];
}

/** GET …/measurements[?metric=], checked for the contract's shape. */
export async function assessorMeasurements(
  ctx: TestContext,
  sensorId: string,
  metric?: string,
): Promise<AssessorMeasurements> {
  const path = `${measurementsPath(sensorId)}${metric ? `?metric=${encodeURIComponent(metric)}` : ''}`;
  const what = `assessor GET ${path}`;
  const response = await ctx.assessor.get(path);
  expectStatus(response, 200, what);
  const body = response.json as Record<string, unknown>;
  expectEqual(body.sensorUuid, sensorId, `${what} sensorUuid`);
  const fields = ['averageLastHour', 'averageLast7Days', 'maxLast30Days'] as const;
  for (const field of fields) {
    expectTrue(
      body[field] === null || typeof body[field] === 'number',
      `${what}: ${field} must be a number or null, got ${describe(body)}`,
    );
  }
  return {
    averageLastHour: body.averageLastHour as number | null,
    averageLast7Days: body.averageLast7Days as number | null,
    maxLast30Days: body.maxLast30Days as number | null,
  };
}

export function groupBy<T>(items: readonly T[], keys: readonly string[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const item of items) {
    const key = keyOf(item);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)?.push(item);
  }
  return groups;
}

/** Rounds away floating-point noise of averages computed in another order (sum of doubles). */
export function round(value: number | null, digits = 6): number | null {
  return value === null ? null : Number(value.toFixed(digits));
}
