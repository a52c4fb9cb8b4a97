// The alarms table, kept from the alarm transitions of the alarms topic (CONTRACT.md "Alarms"), inside
// the saver's batch transaction. Idempotent under replays and redeliveries in any order:
//  - the processor's fields (status, value, peak, events, warnings, times, clearedBy, ...) move only
//    forward: a transition replaces them only when its version is higher than the row's;
//  - the acknowledgement (acknowledgedAt, acknowledgedBy) is set by an 'acknowledged' transition, and
//    only while the row has none (the first ack wins); no other transition ever touches it;
//  - `comment` is the operator's: the clear's comment when the clear had one (it comes with the
//    processor's cleared transition), else the first ack's. Either way the result does not depend on
//    the order the transitions are applied in.
// The upsert locks every alarm of the batch in id order (ON CONFLICT DO UPDATE locks a conflicting
// row even when its WHERE rejects the update), and the acknowledgements touch only those rows, so
// concurrent batches sharing alarms wait for each other but never deadlock.
import type { PoolClient } from 'pg';
import { type AlarmMessage, iso } from '../../shared/src';
import { mergeAlarmTransitions } from './alarm-merge';

const UPSERT_STATES = `
INSERT INTO alarms AS a (id, sensor_id, rule, metric, type, severity, status, raised_at, value, peak, events,
                         warnings, last_warning_at, cleared_at, cleared_by, comment, version)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                     $8::timestamptz[], $9::float8[], $10::float8[], $11::int[], $12::int[], $13::timestamptz[],
                     $14::timestamptz[], $15::text[], $16::text[], $17::bigint[])
ORDER BY 1
ON CONFLICT (id) DO UPDATE SET
  rule = EXCLUDED.rule, metric = EXCLUDED.metric, type = EXCLUDED.type, severity = EXCLUDED.severity,
  status = EXCLUDED.status, raised_at = EXCLUDED.raised_at, value = EXCLUDED.value, peak = EXCLUDED.peak,
  events = EXCLUDED.events, warnings = EXCLUDED.warnings, last_warning_at = EXCLUDED.last_warning_at,
  cleared_at = EXCLUDED.cleared_at, cleared_by = EXCLUDED.cleared_by,
  comment = coalesce(EXCLUDED.comment, a.comment), version = EXCLUDED.version, updated_at = now()
WHERE a.version < EXCLUDED.version`;

const APPLY_ACKS = `
UPDATE alarms AS a SET
  acknowledged_at = k.at, acknowledged_by = k.by, comment = coalesce(a.comment, k.comment), updated_at = now()
FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[]) AS k(id, at, by, comment)
WHERE a.id = k.id AND a.acknowledged_at IS NULL`;

/** Applies a batch's transitions; resolves with the rows inserted or changed (a replay changes none). */
export async function writeAlarms(client: PoolClient, transitions: readonly AlarmMessage[]): Promise<number> {
  if (transitions.length === 0) return 0;
  const { states, acks } = mergeAlarmTransitions(transitions);
  const time = (ms: number | null) => (ms === null ? null : iso(ms));
  const upserted = await client.query(UPSERT_STATES, [
    states.map((s) => s.id),
    states.map((s) => s.sensorId),
    states.map((s) => s.rule),
    states.map((s) => s.metric),
    states.map((s) => s.type),
    states.map((s) => s.severity),
    states.map((s) => s.status),
    states.map((s) => iso(s.raisedAt)),
    states.map((s) => s.value),
    states.map((s) => s.peak),
    states.map((s) => s.events),
    states.map((s) => s.warnings),
    states.map((s) => time(s.lastWarningAt)),
    states.map((s) => time(s.clearedAt)),
    states.map((s) => s.clearedBy),
    // an ack's comment is applied below, under the first-ack rule, never as the processor's
    states.map((s) => (s.transition === 'acknowledged' ? null : s.comment)),
    states.map((s) => s.version),
  ]);
  let changed = upserted.rowCount ?? 0;
  if (acks.length) {
    const acked = await client.query(APPLY_ACKS, [
      acks.map((k) => k.id),
      acks.map((k) => iso(k.at)),
      acks.map((k) => k.by),
      acks.map((k) => k.comment),
    ]);
    changed += acked.rowCount ?? 0;
  }
  return changed;
}
