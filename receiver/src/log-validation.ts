// `POST /api/v1/sensors/{sensorId}/logs` bodies → log lines, or every field error by index (all or
// nothing, like a batch of readings). Ids: a client id becomes `c/<sensor>/<id>`, so a shipper that
// re-sends a line after a timeout stores it once; without one, a UUIDv7. Pure: clock and id source are
// arguments.
import { v7 as uuidv7 } from 'uuid';
import {
  CLIENT_ID,
  type FieldError,
  FieldErrorList,
  isLogLevel,
  LOG_LEVEL_MESSAGE,
  type LogLevel,
  type LogLine,
  logMessageProblem,
  logSourceProblem,
  MAX_LOG_LINES_PER_REQUEST,
  printable,
  SENSOR_ID_MESSAGE,
} from '../../shared/src';
import { parseAt, type ValidationLimits, validateSensorId } from './reading-validation';

const FIELDS = new Set(['at', 'level', 'message', 'source', 'id']);

export interface LogDraft {
  clientId?: string;
  sensorId: string;
  level: LogLevel;
  source: string | null;
  message: string;
  at: number;
}

export type ValidatedLogs = { ok: true; lines: LogDraft[] } | { ok: false; errors: FieldError[]; errorCount?: number };

export function validateLogLines(body: unknown, sensorId: string, limits: ValidationLimits): ValidatedLogs {
  const sensorError = validateSensorId(sensorId);
  if (sensorError) return { ok: false, errors: [sensorError] };
  if (!Array.isArray(body)) {
    return {
      ok: false,
      errors: [
        { field: 'body', message: 'must be a JSON array of log lines, e.g. [{"level": "info", "message": "up"}]' },
      ],
    };
  }
  if (body.length === 0) return { ok: false, errors: [{ field: 'body', message: 'must hold at least one log line' }] };
  if (body.length > MAX_LOG_LINES_PER_REQUEST) {
    return {
      ok: false,
      errors: [{ field: 'body', message: `must hold at most ${MAX_LOG_LINES_PER_REQUEST} log lines` }],
    };
  }
  const errors = new FieldErrorList();
  const lines: LogDraft[] = [];
  body.forEach((item, index) => {
    const line = validateLine(item, sensorId, limits, (field, message) => errors.add({ field, message, index }));
    if (line) lines.push(line);
  });
  if (errors.count > errors.listed.length) return { ok: false, errors: errors.listed, errorCount: errors.count };
  if (errors.count) return { ok: false, errors: errors.listed };
  return { ok: true, lines };
}

function validateLine(
  item: unknown,
  sensorId: string,
  limits: ValidationLimits,
  fail: (field: string, message: string) => void,
): LogDraft | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    fail('body', 'must be a JSON object {"level", "message", "at"?, "source"?, "id"?}');
    return undefined;
  }
  const line = item as Record<string, unknown>;
  let ok = true;
  const refuse = (field: string, message: string) => {
    ok = false;
    fail(field, message);
  };
  // unlike a measurement, every field has a meaning: an unknown one is a typo, not a metric
  for (const key of Object.keys(line)) {
    if (!FIELDS.has(key)) refuse(printable(key), 'is not a field of a log line (at, level, message, source, id)');
  }
  if (line.level === undefined) refuse('level', `is required: ${LOG_LEVEL_MESSAGE}`);
  else if (!isLogLevel(line.level)) refuse('level', LOG_LEVEL_MESSAGE);
  if (line.message === undefined) refuse('message', 'is required: 1 byte to 8 KiB of UTF-8 without NUL');
  else {
    const problem = logMessageProblem(line.message);
    if (problem) refuse('message', problem);
  }
  if (line.source !== undefined) {
    const problem = logSourceProblem(line.source);
    if (problem) refuse('source', problem);
  }
  let clientId: string | undefined;
  if (line.id !== undefined) {
    if (typeof line.id === 'string' && CLIENT_ID.test(line.id)) clientId = line.id;
    else refuse('id', SENSOR_ID_MESSAGE);
  }
  const at = line.at === undefined ? limits.now : parseAt(line.at, limits, refuse);
  if (!ok || at === undefined) return undefined;
  const draft: LogDraft = {
    sensorId,
    level: line.level as LogLevel,
    source: (line.source as string | undefined) ?? null,
    message: line.message as string,
    at,
  };
  if (clientId !== undefined) draft.clientId = clientId;
  return draft;
}

export function logLineId(draft: LogDraft, newId: () => string = uuidv7): string {
  return draft.clientId === undefined ? newId() : `c/${draft.sensorId}/${draft.clientId}`;
}

export function toLogLines(drafts: LogDraft[], receivedAt: number, newId: () => string = uuidv7): LogLine[] {
  return drafts.map((d) => ({
    id: logLineId(d, newId),
    sensorId: d.sensorId,
    level: d.level,
    source: d.source,
    message: d.message,
    at: d.at,
    receivedAt,
  }));
}
