// PostgreSQL writes of the saver: one transaction per batch, multi-row statements (UNNEST of arrays:
// one round trip for thousands of rows), idempotent on the ids. The per-minute rollups and the
// sensors' latest values are computed from the rows *actually inserted* (RETURNING), in the same
// transaction, so a redelivered reading changes nothing anywhere.
//
// Two transactions may share rows (SAVER_CONCURRENT_WRITES > 1 and a fetch larger than
// SAVER_BATCH_SIZE, written in several batches; or a reading redelivered next to its first copy).
// Every statement therefore takes its row locks in key order (the ORDER BYs below), so such
// transactions wait for each other but never deadlock.
import type { Pool } from 'pg';
import { type AlarmMessage, iso, type Reading, type SensorEvent, withTransaction } from '../../shared/src';
import { writeAlarms } from './alarm-writer';

const INSERT_READINGS = `
WITH inserted AS (
  INSERT INTO readings (id, sensor_id, metric, value, at, received_at)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::timestamptz[], $6::timestamptz[])
  ORDER BY 1
  ON CONFLICT (id) DO NOTHING
  RETURNING sensor_id, metric, value, at
), minutes AS (
  INSERT INTO readings_minute AS m (sensor_id, metric, minute, count, sum, min, max)
  SELECT sensor_id, metric, date_trunc('minute', at), count(*), sum(value), min(value), max(value)
  FROM inserted GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (sensor_id, metric, minute) DO UPDATE SET
    count = m.count + EXCLUDED.count, sum = m.sum + EXCLUDED.sum,
    min = LEAST(m.min, EXCLUDED.min), max = GREATEST(m.max, EXCLUDED.max)
  RETURNING 1
), latest AS (
  INSERT INTO sensor_metrics AS s (sensor_id, metric, first_at, last_at, last_value, count)
  SELECT sensor_id, metric, min(at), max(at), (array_agg(value ORDER BY at DESC))[1], count(*)
  FROM inserted GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (sensor_id, metric) DO UPDATE SET
    first_at = LEAST(s.first_at, EXCLUDED.first_at),
    last_value = CASE WHEN EXCLUDED.last_at >= s.last_at THEN EXCLUDED.last_value ELSE s.last_value END,
    last_at = GREATEST(s.last_at, EXCLUDED.last_at),
    count = s.count + EXCLUDED.count
  RETURNING 1
)
SELECT count(*)::int AS inserted FROM inserted`;

const INSERT_EVENTS = `
WITH inserted AS (
  INSERT INTO events (id, sensor_id, metric, type, value, at, threshold, rule, warnings_for_event, reading_id)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::timestamptz[],
                       $7::float8[], $8::text[], $9::int[], $10::text[])
  ORDER BY 1
  ON CONFLICT (id) DO NOTHING
  RETURNING 1
)
SELECT count(*)::int AS inserted FROM inserted`;

/**
 * Held from the events insert to commit: events.seq (what GET /api/v1/events?order=stored pages by)
 * is then assigned in commit order, so no event ever becomes visible with a seq lower than one a
 * follower has already read. Distinct from migrate.ts's lock key. Transactions without events never
 * take it; those with events queue for the moment between their insert and their commit.
 */
const EVENTS_ORDER_LOCK = 7_264_002;

export interface WriteResult {
  readingsInserted: number;
  eventsInserted: number;
  /** alarm rows inserted or changed (alarm-writer.ts) */
  alarmsChanged: number;
}

export function writeBatch(
  pool: Pool,
  readings: Reading[],
  events: SensorEvent[],
  alarms: AlarmMessage[] = [],
): Promise<WriteResult> {
  return withTransaction(pool, async (client) => {
    let readingsInserted = 0;
    let eventsInserted = 0;
    if (readings.length) {
      const { rows } = await client.query<{ inserted: number }>(INSERT_READINGS, [
        readings.map((r) => r.id),
        readings.map((r) => r.sensorId),
        readings.map((r) => r.metric),
        readings.map((r) => r.value),
        readings.map((r) => iso(r.at)),
        readings.map((r) => iso(r.receivedAt)),
      ]);
      readingsInserted = rows[0].inserted;
    }
    // Before the events: a wait for an alarm row (another batch's, or an operator's ack in the
    // assessor) then never happens while EVENTS_ORDER_LOCK, which every batch with events queues for, is held.
    const alarmsChanged = await writeAlarms(client, alarms);
    if (events.length) {
      await client.query('SELECT pg_advisory_xact_lock($1)', [EVENTS_ORDER_LOCK]);
      const { rows } = await client.query<{ inserted: number }>(INSERT_EVENTS, [
        events.map((e) => e.id),
        events.map((e) => e.sensorId),
        events.map((e) => e.metric),
        events.map((e) => e.type),
        events.map((e) => e.value),
        events.map((e) => iso(e.at)),
        events.map((e) => e.threshold),
        events.map((e) => e.rule),
        events.map((e) => e.warningsForEvent),
        events.map((e) => e.readingId),
      ]);
      eventsInserted = rows[0].inserted;
    }
    return { readingsInserted, eventsInserted, alarmsChanged };
  });
}
