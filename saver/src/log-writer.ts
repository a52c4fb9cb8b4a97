// PostgreSQL writes of log lines: one multi-row statement per batch (UNNEST of arrays), idempotent on
// the id, so a line redelivered by Kafka or re-sent by a client with its id is stored once. Rows are
// inserted in id order, so two concurrent batches sharing a line wait for each other, never deadlock.
import type { Pool } from 'pg';
import { iso, LOG_LEVEL_RANK, type LogLine } from '../../shared/src';

const INSERT_LOGS = `
WITH inserted AS (
  INSERT INTO logs (id, sensor_id, level, source, message, at, received_at)
  SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::text[], $6::timestamptz[],
                       $7::timestamptz[])
  ORDER BY 1
  ON CONFLICT (id) DO NOTHING
  RETURNING 1
)
SELECT count(*)::int AS inserted FROM inserted`;

/** Inserts the lines not stored yet; resolves with how many were. */
export async function writeLogLines(pool: Pool, lines: LogLine[]): Promise<number> {
  if (lines.length === 0) return 0;
  const { rows } = await pool.query<{ inserted: number }>(INSERT_LOGS, [
    lines.map((l) => l.id),
    lines.map((l) => l.sensorId),
    lines.map((l) => LOG_LEVEL_RANK[l.level]),
    lines.map((l) => l.source),
    lines.map((l) => l.message),
    lines.map((l) => iso(l.at)),
    lines.map((l) => iso(l.receivedAt)),
  ]);
  return rows[0].inserted;
}
