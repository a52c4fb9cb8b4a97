// The alarms in PostgreSQL (the alarms table the saver keeps from the alarms topic) as AlarmStates
// for the re-send: the active ones a page at a time in the order of the partial index alarms_active,
// and given ones by id.
import type { Pool } from 'pg';
import type { AlarmsTableRow } from '../../shared/src';
import type { AlarmState } from './alarm-message';

const COLUMNS = `id, sensor_id, rule, metric, type, severity, status, raised_at, value, peak, events, warnings,
  last_warning_at, cleared_at, cleared_by, acknowledged_at, acknowledged_by, comment, version`;

const ms = (time: Date | null) => (time === null ? null : time.getTime());

export function alarmFromRow(row: AlarmsTableRow): AlarmState {
  return {
    id: row.id,
    sensorId: row.sensor_id,
    rule: row.rule,
    metric: row.metric,
    type: row.type,
    severity: row.severity,
    status: row.status,
    acknowledged: row.acknowledged_at !== null,
    raisedAt: row.raised_at.getTime(),
    value: row.value,
    peak: row.peak,
    events: row.events,
    warnings: row.warnings,
    lastWarningAt: ms(row.last_warning_at),
    clearedAt: ms(row.cleared_at),
    clearedBy: row.cleared_by,
    acknowledgedAt: ms(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    comment: row.comment,
    version: Number(row.version),
  };
}

export interface Page {
  alarms: AlarmState[];
  /** pass back for the next page; undefined after the last */
  next?: { raisedAt: Date; id: string };
}

export async function activeAlarmsPage(pool: Pool, limit: number, after?: Page['next']): Promise<Page> {
  const { rows } = after
    ? await pool.query<AlarmsTableRow>(
        `SELECT ${COLUMNS} FROM alarms WHERE status = 'active' AND (raised_at, id) < ($1, $2)
         ORDER BY raised_at DESC, id DESC LIMIT $3`,
        [after.raisedAt, after.id, limit],
      )
    : await pool.query<AlarmsTableRow>(
        `SELECT ${COLUMNS} FROM alarms WHERE status = 'active' ORDER BY raised_at DESC, id DESC LIMIT $1`,
        [limit],
      );
  const last = rows[rows.length - 1];
  return {
    alarms: rows.map(alarmFromRow),
    next: rows.length === limit ? { raisedAt: last.raised_at, id: last.id } : undefined,
  };
}

export async function alarmsById(pool: Pool, ids: string[]): Promise<AlarmState[]> {
  if (ids.length === 0) return [];
  const { rows } = await pool.query<AlarmsTableRow>(`SELECT ${COLUMNS} FROM alarms WHERE id = ANY($1)`, [ids]);
  return rows.map(alarmFromRow);
}
