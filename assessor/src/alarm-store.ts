// The assessor's SQL on the alarms table (kept by the saver from the alarms topic): the lists, newest
// first and keyset-paged on (raised_at, id) like the index alarms_raised; one alarm by id; and the
// acknowledgement, where the first ack wins. Parameterised only.
import type { Pool } from 'pg';
import { type AlarmsTableRow, iso, withTransaction } from '../../shared/src';
import type { AlarmsQuery } from './alarm-params';
import { type Acknowledgement, type AlarmRow, acknowledged } from './alarm-shapes';
import { fromEpochUs, parameters } from './repository';

export interface AlarmStore {
  /** Alarms newest first by (raisedAt, id); `limit` rows (the page size + 1, to know whether more exist). */
  list(filter: AlarmsQuery): Promise<AlarmRow[]>;
  get(id: string): Promise<AlarmRow | undefined>;
  /**
   * Acknowledges an alarm unless it is already (then it is answered as it is). `publish` gets the
   * alarm as acknowledged and must resolve before the row changes: a failed publish changes
   * nothing. Concurrent acks of one alarm are serialised, so only the first publishes.
   */
  acknowledge(
    id: string,
    ack: Acknowledgement,
    publish: (after: AlarmRow) => Promise<void>,
  ): Promise<AlarmRow | undefined>;
}

const COLUMNS = `id, sensor_id, rule, metric, type, severity, status, raised_at,
  (extract(epoch FROM raised_at) * 1000000)::bigint::text AS raised_at_us, value, peak, events, warnings,
  last_warning_at, cleared_at, cleared_by, acknowledged_at, acknowledged_by, comment, version::float8 AS version`;

/** Advisory lock class of acknowledgements (the second key is the alarm id's hash); distinct from the saver's. */
const ACK_LOCK_CLASS = 7_264_003;

/** COLUMNS: the table's, with raised_at to the microsecond as text (the cursor) and version as a number */
interface AlarmDbRow extends Omit<AlarmsTableRow, 'version'> {
  raised_at_us: string;
  version: number;
}

const fromDb = (r: AlarmDbRow): AlarmRow => ({
  id: r.id,
  sensorId: r.sensor_id,
  rule: r.rule,
  metric: r.metric,
  type: r.type,
  severity: r.severity,
  status: r.status,
  raisedAt: r.raised_at,
  raisedAtUs: r.raised_at_us,
  value: r.value,
  peak: r.peak,
  events: r.events,
  warnings: r.warnings,
  lastWarningAt: r.last_warning_at,
  clearedAt: r.cleared_at,
  clearedBy: r.cleared_by,
  acknowledgedAt: r.acknowledged_at,
  acknowledgedBy: r.acknowledged_by,
  comment: r.comment,
  version: r.version,
});

export function createAlarmStore(pool: Pool): AlarmStore {
  const byId = async (query: (sql: string, values: unknown[]) => Promise<{ rows: AlarmDbRow[] }>, id: string) => {
    const { rows } = await query(`SELECT ${COLUMNS} FROM alarms WHERE id = $1`, [id]);
    return rows.length ? fromDb(rows[0]) : undefined;
  };

  return {
    async list(filter) {
      const p = parameters();
      const where: string[] = [];
      if (filter.sensorId !== undefined) where.push(`sensor_id = ${p.add(filter.sensorId)}`);
      if (filter.status !== undefined) where.push(`status = ${p.add(filter.status)}`);
      if (filter.acknowledged !== undefined)
        where.push(`acknowledged_at IS ${filter.acknowledged ? 'NOT NULL' : 'NULL'}`);
      if (filter.rule !== undefined) where.push(`rule = ${p.add(filter.rule)}`);
      if (filter.type !== undefined) where.push(`type = ${p.add(filter.type)}`);
      if (filter.severity !== undefined) where.push(`severity = ${p.add(filter.severity)}`);
      if (filter.from !== undefined) where.push(`raised_at >= ${p.add(iso(filter.from))}::timestamptz`);
      if (filter.to !== undefined) where.push(`raised_at < ${p.add(iso(filter.to))}::timestamptz`);
      if (filter.after) {
        where.push(`(raised_at, id) < (${fromEpochUs(p.add(filter.after.atUs))}, ${p.add(filter.after.id)}::text)`);
      }
      const sql = `SELECT ${COLUMNS} FROM alarms ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY raised_at DESC, id DESC LIMIT ${p.add(filter.limit)}`;
      const { rows } = await pool.query<AlarmDbRow>(sql, p.values);
      return rows.map(fromDb);
    },

    get: (id) => byId((sql, values) => pool.query<AlarmDbRow>(sql, values), id),

    acknowledge(id, ack, publish) {
      return withTransaction(pool, async (client) => {
        const query = (sql: string, values: unknown[]) => client.query<AlarmDbRow>(sql, values);
        // Another assessor's ack of this alarm waits here, then finds it acknowledged. The saver
        // never takes this lock: its writes of the row go on while the ack is being published.
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ACK_LOCK_CLASS, id]);
        const row = await byId(query, id);
        if (!row || row.acknowledgedAt !== null) return row;
        await publish(acknowledged(row, ack));
        // The saver may have stored the published ack already: then this changes nothing, and the
        // row holds the same acknowledgement anyway.
        await client.query(
          `UPDATE alarms SET acknowledged_at = $2, acknowledged_by = $3, comment = coalesce(comment, $4),
             updated_at = now()
           WHERE id = $1 AND acknowledged_at IS NULL`,
          [id, iso(ack.at), ack.by, ack.comment],
        );
        return byId(query, id);
      });
    },
  };
}
