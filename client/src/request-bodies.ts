// What goes on the wire: each reading item and log line is checked against the receiver's contract
// and serialised once, when it is recorded. A batch is all or nothing at the receiver, so one bad
// reading would cost the whole batch: refusing it at record() (with the reason) keeps it out. Pure.

/** The receiver's endpoints. */
export const MEASUREMENTS_PATH = '/api/v1/measurements';
export const measurementPath = (sensorId: string): string =>
  `/api/v1/sensors/${encodeURIComponent(sensorId)}/measurements`;
export const logsPath = (sensorId: string): string => `/api/v1/sensors/${encodeURIComponent(sensorId)}/logs`;

export const SENSOR_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const METRIC_NAME = /^[a-z][a-z0-9_]{0,63}$/;
/** Body fields that are not metrics (the receiver reads `at` and `id` as the time and the client id). */
const RESERVED = new Set(['at', 'id', 'sensorId', 'sensorUuid']);
/** The receiver's bounds: metrics per item and the magnitude of a value. */
export const MAX_METRICS_PER_ITEM = 100;
export const MAX_VALUE_MAGNITUDE = 1e100;

export const LOG_LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** Contract "Logs": a message is 1 byte to 8 KiB of UTF-8 without NUL. */
export const MAX_LOG_MESSAGE_BYTES = 8192;
/** The contract names no bound for `source`; a file path or a component name fits in this. */
export const MAX_LOG_SOURCE_LENGTH = 256;
/** Contract "Logs": lines per request. */
export const MAX_LOG_LINES_PER_REQUEST = 5000;

/** A time as the caller gives it: a Date, epoch milliseconds or an ISO-8601 date-time with offset. */
export type TimeInput = Date | number | string;

/** An item of the batch endpoint, as the tester or a simulator builds it by hand. */
export interface MeasurementItem {
  sensorId: string;
  id?: string;
  at?: TimeInput;
  [metric: string]: number | string | Date | undefined;
}

export interface LogLine {
  level: LogLevel;
  message: string;
  source?: string;
  at?: TimeInput;
  id?: string;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

export function checkSensorId(sensorId: unknown): string {
  if (typeof sensorId !== 'string' || !SENSOR_ID.test(sensorId)) {
    throw new RangeError(`sensor id ${JSON.stringify(sensorId)} must be 1-128 characters of A-Z a-z 0-9 . _ : -`);
  }
  return sensorId;
}

/** Epoch milliseconds (an integer, as the receiver wants it) of a time input. */
export function toEpochMs(at: TimeInput): number {
  const ms =
    at instanceof Date
      ? at.getTime()
      : typeof at === 'number'
        ? at
        : typeof at === 'string' && ISO_DATE_TIME.test(at)
          ? Date.parse(at)
          : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new RangeError(
      `time ${JSON.stringify(at)} must be a Date, epoch milliseconds or an ISO-8601 date-time with offset`,
    );
  }
  return Math.round(ms);
}

export interface SerialisedItem {
  json: string;
  readings: number;
}

/**
 * One item of the batch endpoint: `{"sensorId", "id", "at"?, <metric>: value, ...}`. Throws a
 * RangeError naming the problem (bad sensor id, metric name or value, reserved name, none or too many).
 */
export function serialiseMeasurement(
  sensorId: string,
  metrics: Readonly<Record<string, number>>,
  at: TimeInput | undefined,
  id: string | undefined,
  /** the id comes from this client's IdSource, valid by construction: not checked again */
  trustedId = false,
): SerialisedItem {
  checkSensorId(sensorId);
  // built by hand: the names are checked to need no escaping, and this runs once per reading
  let json = `{"sensorId":"${sensorId}"`;
  if (id !== undefined) json += `,"id":"${trustedId ? id : checkClientId(id)}"`;
  if (at !== undefined) json += `,"at":${toEpochMs(at)}`;
  let readings = 0;
  for (const metric in metrics) {
    if (!Object.prototype.hasOwnProperty.call(metrics, metric)) continue;
    const value = metrics[metric];
    if (!METRIC_NAME.test(metric) || RESERVED.has(metric)) {
      throw new RangeError(
        `metric name ${JSON.stringify(metric)} must be 1-64 characters of [a-z][a-z0-9_]*, not at or id`,
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_VALUE_MAGNITUDE) {
      throw new RangeError(`${metric} of ${sensorId}: ${String(value)} must be a finite number within ±1e100`);
    }
    json += `,"${metric}":${value}`;
    readings += 1;
  }
  if (readings === 0) throw new RangeError(`a reading of ${sensorId} needs at least one metric`);
  if (readings > MAX_METRICS_PER_ITEM) {
    throw new RangeError(`a reading of ${sensorId} has ${readings} metrics; at most ${MAX_METRICS_PER_ITEM}`);
  }
  return { json: `${json}}`, readings };
}

export function checkClientId(id: unknown): string {
  if (typeof id !== 'string' || !SENSOR_ID.test(id)) {
    throw new RangeError(`client id ${JSON.stringify(id)} must be 1-128 characters of A-Z a-z 0-9 . _ : -`);
  }
  return id;
}

export function isLogLevel(level: unknown): level is LogLevel {
  return typeof level === 'string' && (LOG_LEVELS as readonly string[]).includes(level);
}

/** One line of the logs endpoint: `{"at"?, "level", "message", "source"?, "id"?}`. Throws a RangeError naming the problem. */
export function serialiseLogLine(line: LogLine): string {
  if (!isLogLevel(line.level)) {
    throw new RangeError(`log level ${JSON.stringify(line.level)} must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const problem = logMessageProblem(line.message);
  if (problem) throw new RangeError(`log message ${problem}`);
  const out: Record<string, string | number> = {};
  if (line.at !== undefined) out.at = toEpochMs(line.at);
  out.level = line.level;
  out.message = line.message;
  if (line.source !== undefined) {
    if (
      typeof line.source !== 'string' ||
      line.source.length === 0 ||
      line.source.length > MAX_LOG_SOURCE_LENGTH ||
      line.source.includes('\0') ||
      !isWellFormed(line.source)
    ) {
      throw new RangeError(`log source must be 1-${MAX_LOG_SOURCE_LENGTH} characters of text without NUL`);
    }
    out.source = line.source;
  }
  if (line.id !== undefined) out.id = checkClientId(line.id);
  return JSON.stringify(out);
}

/** Why a message breaks the contract, or undefined when it is fine. */
export function logMessageProblem(message: unknown): string | undefined {
  if (typeof message !== 'string' || message.length === 0) return 'must be a non-empty string';
  if (message.includes('\0')) return 'must not contain NUL';
  if (!isWellFormed(message)) return 'must be valid Unicode (a lone surrogate has no UTF-8 form)';
  if (Buffer.byteLength(message, 'utf8') > MAX_LOG_MESSAGE_BYTES)
    return `must be at most ${MAX_LOG_MESSAGE_BYTES} bytes of UTF-8`;
  return undefined;
}

/**
 * Makes any text a valid message: NULs become U+FFFD, lone surrogates too, and a text over 8 KiB is cut
 * at a character boundary. For shippers of arbitrary lines (a tailed file), where refusing is not an option.
 */
export function fitLogMessage(text: string): string {
  let message = toWellFormed(text).replace(/\0/g, '\uFFFD');
  if (message.length === 0) return ' ';
  if (Buffer.byteLength(message, 'utf8') <= MAX_LOG_MESSAGE_BYTES) return message;
  const bytes = Buffer.from(message, 'utf8').subarray(0, MAX_LOG_MESSAGE_BYTES);
  // step back over a cut multi-byte character: continuation bytes are 10xxxxxx
  let end = bytes.length;
  let back = end - 1;
  while (back > 0 && (bytes[back] & 0xc0) === 0x80) back -= 1;
  const lead = bytes[back];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  if (back + need > end) end = back;
  message = bytes.subarray(0, end).toString('utf8');
  return message;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

function toWellFormed(text: string): string {
  return text.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
}

/** A JSON array of already serialised items. */
export function jsonArray(items: readonly { json: string }[]): string {
  let body = '[';
  for (let i = 0; i < items.length; i++) body += i === 0 ? items[i].json : `,${items[i].json}`;
  return `${body}]`;
}
