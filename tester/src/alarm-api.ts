// The assessor's alarms API as the alarm tests use it (CONTRACT.md "Alarms"): every answer checked for
// the contract's shape, so a test fails on the first malformed field with a one-line reason.
import type { AlarmStateView } from './alarm-oracle';
import { expectStatus, expectTrue } from './assertions';
import type { HttpResponse } from './http-service';
import type { TestContext } from './test-definition';
import { describe } from './wait-for';
import type { AlarmJson } from '../../shared/src/http/alarm-json';

/** the contract's alarm (shared/src/http/alarm-json.ts) */
export type Alarm = AlarmJson;

type FieldKind = 'string' | 'string?' | 'number' | 'number?' | 'boolean' | 'time' | 'time?' | 'status';

const FIELDS: Record<keyof Alarm, FieldKind> = {
  id: 'string',
  sensorId: 'string',
  rule: 'string',
  metric: 'string?',
  type: 'string',
  severity: 'string',
  status: 'status',
  acknowledged: 'boolean',
  raisedAt: 'time',
  value: 'number?',
  peak: 'number?',
  events: 'number',
  warnings: 'number',
  lastWarningAt: 'time?',
  clearedAt: 'time?',
  clearedBy: 'string?',
  acknowledgedAt: 'time?',
  acknowledgedBy: 'string?',
  comment: 'string?',
};

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function fits(kind: FieldKind, value: unknown): boolean {
  if (value === null && kind.endsWith('?')) return true;
  switch (kind.replace('?', '')) {
    case 'string':
      return typeof value === 'string' && value !== '';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'time':
      return typeof value === 'string' && ISO_UTC.test(value) && !Number.isNaN(Date.parse(value));
    case 'status':
      return value === 'active' || value === 'cleared';
    default:
      return false;
  }
}

/** The problems of a value as an alarm of the contract: each field present, of its type, times ISO-8601 UTC. */
export function alarmProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['not an object'];
  const alarm = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const [field, kind] of Object.entries(FIELDS)) {
    if (!(field in alarm)) problems.push(`${field} is missing`);
    else if (!fits(kind, alarm[field])) problems.push(`${field} is ${describe(alarm[field], 80)}, not ${kind}`);
  }
  // the state the contract ties together
  if (alarm.status === 'cleared' && (alarm.clearedAt === null || alarm.clearedBy === null)) {
    problems.push('a cleared alarm needs clearedAt and clearedBy');
  }
  if (alarm.status === 'active' && (alarm.clearedAt !== null || alarm.clearedBy !== null)) {
    problems.push('an active alarm has clearedAt and clearedBy null');
  }
  if ((alarm.acknowledged === true) !== (alarm.acknowledgedAt !== null && alarm.acknowledgedBy !== null)) {
    problems.push('acknowledged goes with acknowledgedAt and acknowledgedBy');
  }
  return problems;
}

export function expectAlarm(value: unknown, what: string): Alarm {
  const problems = alarmProblems(value);
  expectTrue(
    problems.length === 0,
    `${what}: not an alarm of the contract (${problems.join('; ')}): ${describe(value, 400)}`,
  );
  return value as Alarm;
}

export const ALARMS_PATH = '/api/v1/alarms';
export const alarmPath = (id: string) => `${ALARMS_PATH}/${encodeURIComponent(id)}`;
export const sensorAlarmsPath = (sensorId: string) => `/api/v1/sensors/${encodeURIComponent(sensorId)}/alarms`;

/** Authorization header of a token, or none. */
export const bearer = (token: string | undefined): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};

function queryString(query: Record<string, string>): string {
  const q = new URLSearchParams(query).toString();
  return q ? `?${q}` : '';
}

/**
 * GET /api/v1/alarms (or a sensor's alarms with `sensorPath`) with filters: every page, newest first.
 * The token is sent so that the reads work with ASSESSOR_AUTH=on too.
 */
export async function listAlarms(
  ctx: TestContext,
  token: string | undefined,
  query: Record<string, string>,
  sensorPath?: string,
): Promise<Alarm[]> {
  const alarms: Alarm[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const path = `${sensorPath ? sensorAlarmsPath(sensorPath) : ALARMS_PATH}${queryString({
      ...query,
      ...(cursor ? { cursor } : {}),
    })}`;
    const what = `assessor GET ${path}`;
    const response = await ctx.assessor.request('GET', path, { headers: bearer(token) });
    expectStatus(response, 200, what);
    const body = response.json as { alarms?: unknown; nextCursor?: unknown };
    expectTrue(
      Array.isArray(body.alarms) && (body.nextCursor === null || typeof body.nextCursor === 'string'),
      `${what}: expected {"alarms": [...], "nextCursor"}, got ${describe(body, 300)}`,
    );
    (body.alarms as unknown[]).forEach((a, i) => alarms.push(expectAlarm(a, `${what} alarms[${i}]`)));
    if (body.nextCursor === null) return alarms;
    cursor = body.nextCursor as string;
  }
  throw new Error(`assessor GET ${ALARMS_PATH}: more than 50 pages of alarms for ${describe(query)}`);
}

export async function getAlarm(ctx: TestContext, token: string | undefined, id: string): Promise<Alarm> {
  const what = `assessor GET ${alarmPath(id)}`;
  const response = await ctx.assessor.request('GET', alarmPath(id), { headers: bearer(token) });
  expectStatus(response, 200, what);
  return expectAlarm(response.json, what);
}

/** POST /api/v1/alarms/{id}/ack or /clear, with an optional comment; the answer as it is. */
export function alarmAction(
  ctx: TestContext,
  token: string | undefined,
  id: string,
  action: 'ack' | 'clear',
  comment?: string,
): Promise<HttpResponse> {
  return ctx.assessor.request('POST', `${alarmPath(id)}/${action}`, {
    headers: bearer(token),
    ...(comment === undefined ? {} : { json: { comment } }),
  });
}

/** An API alarm's state fields, to compare with alarmStateView of the oracle. */
export function stateOf(alarm: Alarm): AlarmStateView {
  return {
    status: alarm.status,
    value: alarm.value,
    peak: alarm.peak,
    events: alarm.events,
    warnings: alarm.warnings,
    raisedAt: alarm.raisedAt,
    lastWarningAt: alarm.lastWarningAt,
    clearedAt: alarm.clearedAt,
  };
}
