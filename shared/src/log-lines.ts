// What a valid log line is (contract "Logs"), for the receiver (request bodies), the saver (messages of
// the logs topic) and the assessor (the `level` parameter), so what one accepts the others accept too.
// The client library (client/src/request-bodies.ts) applies the same rules before it sends. Pure.
import { type LogLevel, type LogLine, LOG_LEVELS, logCodec, PoisonMessageError } from './codec';
import { EARLIEST_MS, LATEST_MS } from './instants';
import { isSensorId } from './validation';

/** Contract "Logs": a message is 1 byte to 8 KiB of UTF-8. */
export const MAX_LOG_MESSAGE_BYTES = 8192;
/** The contract names no bound for `source`; a file path or a component name fits (as the client assumes). */
export const MAX_LOG_SOURCE_CHARS = 256;
/** Contract "Logs": at most 5,000 lines a request. */
export const MAX_LOG_LINES_PER_REQUEST = 5000;

/**
 * Levels as stored (logs.level smallint): ascending with severity, so "that level and above" is one
 * range condition on an index; gaps leave room for a level between two of these.
 */
export const LOG_LEVEL_RANK: Readonly<Record<LogLevel, number>> = {
  debug: 10,
  info: 20,
  warning: 30,
  error: 40,
  critical: 50,
};
const LEVEL_OF_RANK = new Map(Object.entries(LOG_LEVEL_RANK).map(([level, rank]) => [rank, level as LogLevel]));

export const isLogLevel = (value: unknown): value is LogLevel =>
  typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);

export const logLevelOfRank = (rank: number): LogLevel | undefined => LEVEL_OF_RANK.get(rank);

export const LOG_LEVEL_MESSAGE = `must be one of ${LOG_LEVELS.join(', ')}`;

/** A UTF-16 surrogate without its pair: JSON's \ud800 escape can make one, and it has no UTF-8 form. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a message breaks the contract, or undefined when it is a valid one. */
export function logMessageProblem(message: unknown): string | undefined {
  if (typeof message !== 'string') return 'must be a string';
  if (message.length === 0) return 'must not be empty';
  if (message.includes('\u0000')) return 'must not contain NUL';
  if (LONE_SURROGATE.test(message)) return 'must be valid Unicode (a lone surrogate has no UTF-8 form)';
  // a character is at most 3 bytes per UTF-16 unit: only long texts need counting
  if (message.length * 3 > MAX_LOG_MESSAGE_BYTES && Buffer.byteLength(message, 'utf8') > MAX_LOG_MESSAGE_BYTES) {
    return `must be at most ${MAX_LOG_MESSAGE_BYTES} bytes of UTF-8`;
  }
  return undefined;
}

/** Why a source breaks the rules, or undefined when it is a valid one. */
export function logSourceProblem(source: unknown): string | undefined {
  if (
    typeof source !== 'string' ||
    source.length === 0 ||
    source.length > MAX_LOG_SOURCE_CHARS ||
    source.includes('\u0000') ||
    LONE_SURROGATE.test(source)
  ) {
    return `must be 1-${MAX_LOG_SOURCE_CHARS} characters of text without NUL`;
  }
  return undefined;
}

/** Log line ids: UUIDv7s or `c/<sensor>/<client id>` (receiver/src/log-validation.ts), with room. */
const ID = /^[\x21-\x7e]{1,400}$/;
const isInstant = (ms: number) => Number.isInteger(ms) && ms >= EARLIEST_MS && ms <= LATEST_MS;

function check(ok: boolean, problem: string): void {
  if (!ok) throw new PoisonMessageError(problem);
}

/** Throws PoisonMessageError when the line is not one the receiver could have accepted. */
export function checkLogLine(line: LogLine): void {
  check(ID.test(line.id), 'id is not 1-400 printable ASCII characters');
  check(isSensorId(line.sensorId), 'sensorId is not a valid sensor id');
  check(isLogLevel(line.level), 'level is not a known log level');
  const messageProblem = logMessageProblem(line.message);
  check(messageProblem === undefined, `message ${messageProblem}`);
  if (line.source !== null) {
    const sourceProblem = logSourceProblem(line.source);
    check(sourceProblem === undefined, `source ${sourceProblem}`);
  }
  check(isInstant(line.at), 'at is not an instant from year 1 to 9999');
  check(isInstant(line.receivedAt), 'receivedAt is not an instant from year 1 to 9999');
}

/** A Kafka value → a valid log line; PoisonMessageError (dead-letter it) otherwise. */
export function decodeLogLine(value: Buffer | null): LogLine {
  const line = logCodec.decode(value);
  checkLogLine(line);
  return line;
}
