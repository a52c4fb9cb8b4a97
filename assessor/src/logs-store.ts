// The SQL of the log line lists. Newest first, keyset-paged on (at, id) descending, the order of the
// logs table's indexes: a sensor's lines on logs_sensor_at, every sensor's on logs_at, a level filter
// of warning or above without a sensor on the partial index of that level (logs_warning_at,
// logs_error_at, logs_critical_at), and `q` on the GIN index of the message's words (logs_tsv).
// Parameterised: values never enter the SQL text, but for the level rank (an integer, checked here).
import type { Pool } from 'pg';
import { iso, LOG_LEVELS, type LogLevel, logLevelOfRank } from '../../shared/src';
import type { TimeKey } from './cursor';
import type { LogsQuery } from './logs-query';

export interface LogRow {
  id: string;
  sensorId: string;
  level: LogLevel;
  source: string | null;
  message: string;
  at: Date;
  /** `at` in exact epoch microseconds, for the cursor */
  atUs: string;
  receivedAt: Date;
}

interface LogDbRow {
  id: string;
  sensor_id: string;
  level: number;
  source: string | null;
  message: string;
  at: Date;
  at_us: string;
  received_at: Date;
}

/** `at` as exact epoch microseconds (decimal text), the time part of the cursor (as repository.ts). */
const AT_US = `(extract(epoch FROM at) * 1000000)::bigint::text`;
const fromEpochUs = (placeholder: string) =>
  `(to_timestamp(div(${placeholder}::bigint, 1000000)::float8) + mod(${placeholder}::bigint, 1000000) * interval '1 microsecond')`;

function levelRankLiteral(rank: number): string {
  if (!Number.isInteger(rank)) throw new TypeError(`a level rank is an integer, not ${rank}`);
  return String(rank);
}

/** Lines matching `query`, newest first; `limit` rows (the caller asks for one more than a page). */
export async function queryLogs(pool: Pool, query: LogsQuery & { after?: TimeKey }): Promise<LogRow[]> {
  const { sql, values } = logsStatement(query);
  const { rows } = await pool.query<LogDbRow>(sql, values);
  return rows.map((r) => ({
    id: r.id,
    sensorId: r.sensor_id,
    // the table's CHECK allows only the ranks of LOG_LEVELS
    level: logLevelOfRank(r.level) ?? LOG_LEVELS[0],
    source: r.source,
    message: r.message,
    at: r.at,
    atUs: r.at_us,
    receivedAt: r.received_at,
  }));
}

/** The statement of queryLogs and its values. Pure. */
export function logsStatement(query: LogsQuery & { after?: TimeKey }): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const add = (value: unknown) => `$${values.push(value)}`;
  const where: string[] = [];
  if (query.sensorId !== undefined) where.push(`sensor_id = ${add(query.sensorId)}`);
  // A literal, not a parameter: the planner uses a partial index (logs_warning_at ...) only when it
  // can see that the query's bound implies the index's. pg's unnamed statements are planned with their
  // values, so a parameter would do there too; a literal does whatever the driver does.
  if (query.minLevel !== undefined) where.push(`level >= ${levelRankLiteral(query.minLevel)}`);
  if (query.source !== undefined) where.push(`source = ${add(query.source)}`);
  if (query.q !== undefined) where.push(`tsv @@ plainto_tsquery('simple', ${add(query.q)})`);
  if (query.from !== undefined) where.push(`at >= ${add(iso(query.from))}::timestamptz`);
  if (query.to !== undefined) where.push(`at < ${add(iso(query.to))}::timestamptz`);
  if (query.after) {
    where.push(`(at, id) < (${fromEpochUs(add(query.after.atUs))}, ${add(query.after.id)}::text)`);
  }
  const sql = `
    SELECT id, sensor_id, level, source, message, at, ${AT_US} AS at_us, received_at
    FROM logs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY at DESC, id DESC LIMIT ${add(query.limit)}`;
  return { sql, values };
}
