// The alarms API's input → typed values, or a 400 naming every bad field (query-params.ts's rules:
// unknown or repeated parameters are errors, times are ISO-8601 with an offset or epoch ms). Pure.
import { type FieldError, printable, SENSOR_ID, SENSOR_ID_MESSAGE, validationError } from '../../shared/src';
import { RULE_NAME, SEVERITIES, type Severity } from '../../shared/src/rule-set';
import { decodeTimeKey, type TimeKey } from './cursor';
import { type OptionalRange, type PageLimits, pathSensorId, type RawQuery, reader } from './query-params';

export const ALARM_STATUSES = ['active', 'cleared'] as const;
export type AlarmStatus = (typeof ALARM_STATUSES)[number];

export type AlarmsQuery = OptionalRange & {
  sensorId?: string;
  status?: AlarmStatus;
  acknowledged?: boolean;
  rule?: string;
  type?: string;
  severity?: Severity;
  limit: number;
  /** position after the last alarm of the previous page, newest first: (raisedAt, id) descending */
  after?: TimeKey;
};

/** The operator's comment on an ack or a clear: at most 1 KiB of UTF-8. */
export const MAX_COMMENT_BYTES = 1024;

const ALARM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const alarmKey = (text: string) => decodeTimeKey(text, 'alarm');

/**
 * GET /api/v1/alarms, and GET /api/v1/sensors/{sensorId}/alarms when `pathSensor` is given (then
 * `sensorId` is not a query parameter).
 */
export function parseAlarmsQuery(query: RawQuery, limits: PageLimits, pathSensor?: unknown): AlarmsQuery {
  const names = ['status', 'acknowledged', 'rule', 'type', 'severity', 'from', 'to', 'limit', 'cursor'];
  const r = reader(query, pathSensor === undefined ? ['sensorId', ...names] : names);
  const oneOf = <T extends string>(name: string, values: readonly T[]): T | undefined => {
    const text = r.text(name);
    if (text === undefined) return undefined;
    const value = values.find((v) => v === text);
    if (value === undefined) r.fail(name, `must be one of ${values.join(', ')}`);
    return value;
  };
  const acknowledged = oneOf('acknowledged', ['true', 'false'] as const);
  const parsed: AlarmsQuery = {
    sensorId:
      pathSensor === undefined ? r.matching('sensorId', SENSOR_ID, SENSOR_ID_MESSAGE) : pathSensorId(r, pathSensor),
    status: oneOf('status', ALARM_STATUSES),
    acknowledged: acknowledged === undefined ? undefined : acknowledged === 'true',
    rule: r.matching('rule', RULE_NAME, 'must be 1-64 characters of [a-z][a-z0-9_-]*'),
    type: r.type(),
    severity: oneOf('severity', SEVERITIES),
    ...r.range(),
    limit: r.limit(limits),
    after: r.cursor(alarmKey),
  };
  r.done();
  // absent filters are left out, so the object says exactly what was asked
  return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined)) as AlarmsQuery;
}

/**
 * The alarm id of /api/v1/alarms/{id}[/ack|/clear]: a UUID (any case; ids are stored in lower case).
 * These endpoints take no query parameter. A 400 names every problem.
 */
export function parseAlarmId(id: unknown, query: RawQuery = {}): string {
  const r = reader(query, []);
  const ok = typeof id === 'string' && ALARM_ID.test(id);
  if (!ok) r.fail('id', 'must be an alarm id (a UUID)');
  r.done();
  return (id as string).toLowerCase();
}

/**
 * The optional body of an ack or a clear: nothing, `{}`, or `{"comment": "…"}` (1 to 1024 bytes of
 * UTF-8 without NUL; null is no comment). Any other field is a 400.
 */
export function parseActionBody(body: unknown): { comment: string | null } {
  if (body === undefined) return { comment: null };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationError([{ field: 'body', message: 'must be a JSON object: {} or {"comment": "..."}' }]);
  }
  const errors: FieldError[] = Object.keys(body)
    .filter((k) => k !== 'comment')
    .slice(0, 20)
    .map((field) => ({ field: printable(field), message: 'is not a field of this request (it takes only comment)' }));
  const comment = (body as { comment?: unknown }).comment ?? null;
  if (comment !== null) {
    if (typeof comment !== 'string' || comment.length === 0) {
      errors.push({ field: 'comment', message: 'must be a non-empty string, or null' });
    } else if (Buffer.byteLength(comment, 'utf8') > MAX_COMMENT_BYTES) {
      errors.push({ field: 'comment', message: `must be at most ${MAX_COMMENT_BYTES} bytes of UTF-8` });
    } else if (comment.includes('\u0000')) {
      errors.push({ field: 'comment', message: 'must not contain NUL characters' });
    }
  }
  if (errors.length) throw validationError(errors);
  return { comment: comment as string | null };
}
