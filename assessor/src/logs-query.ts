// GET /api/v1/sensors/{sensorId}/logs and GET /api/v1/logs parameters → a typed query, or a 400 naming
// every bad field (the rules of query-params.ts: unknown or repeated parameters are errors). Pure.
import {
  isLogLevel,
  LOG_LEVEL_MESSAGE,
  LOG_LEVEL_RANK,
  logSourceProblem,
  SENSOR_ID,
  SENSOR_ID_MESSAGE,
} from '../../shared/src';
import type { TimeKey } from './cursor';
import { decodeLogKey } from './log-cursor';
import { type OptionalRange, type PageLimits, pathSensorId, type RawQuery, reader } from './query-params';

/** Longest `q`: a search is a few words, not a document. */
export const MAX_LOG_SEARCH_CHARS = 256;
/** What PostgreSQL's 'simple' parser makes words of: without a letter or a digit, q would match nothing. */
const HAS_WORD = /[\p{L}\p{N}]/u;

export interface LogsQuery extends OptionalRange {
  sensorId?: string;
  /** the least level's rank (shared/src/log-lines.ts): that level and above */
  minLevel?: number;
  source?: string;
  /** words the message must contain (plainto_tsquery('simple', q)) */
  q?: string;
  limit: number;
  after?: TimeKey;
}

const COMMON = ['level', 'source', 'q', 'from', 'to', 'limit', 'cursor'];

function parse(r: ReturnType<typeof reader>, limits: PageLimits): Omit<LogsQuery, 'sensorId'> {
  const levelText = r.text('level');
  if (levelText !== undefined && !isLogLevel(levelText)) r.fail('level', `${LOG_LEVEL_MESSAGE} (that level and above)`);
  const source = r.text('source');
  if (source !== undefined && logSourceProblem(source)) r.fail('source', logSourceProblem(source) as string);
  const q = r.text('q');
  if (q !== undefined && (q.length > MAX_LOG_SEARCH_CHARS || q.includes('\u0000') || !HAS_WORD.test(q))) {
    r.fail('q', `must be 1-${MAX_LOG_SEARCH_CHARS} characters holding at least one word (letters or digits)`);
  }
  const query: Omit<LogsQuery, 'sensorId'> = {
    ...r.range(),
    limit: r.limit(limits),
    after: r.cursor(decodeLogKey),
  };
  if (levelText !== undefined && isLogLevel(levelText)) query.minLevel = LOG_LEVEL_RANK[levelText];
  if (source !== undefined) query.source = source;
  if (q !== undefined) query.q = q;
  return query;
}

/** GET /api/v1/sensors/{sensorId}/logs */
export function parseSensorLogsQuery(sensorId: unknown, query: RawQuery, limits: PageLimits): LogsQuery {
  const r = reader(query, COMMON);
  const parsed = { sensorId: pathSensorId(r, sensorId), ...parse(r, limits) };
  r.done();
  return parsed;
}

/** GET /api/v1/logs */
export function parseLogsQuery(query: RawQuery, limits: PageLimits): LogsQuery {
  const r = reader(query, ['sensorId', ...COMMON]);
  const sensorId = r.matching('sensorId', SENSOR_ID, SENSOR_ID_MESSAGE);
  const parsed: LogsQuery = { ...parse(r, limits) };
  if (sensorId !== undefined) parsed.sensorId = sensorId;
  r.done();
  return parsed;
}
