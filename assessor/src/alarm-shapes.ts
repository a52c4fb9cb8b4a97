// Alarm rows → the contract's JSON (CONTRACT.md "Alarms": times ISO-8601 UTC, null where not yet),
// the pages of the lists, and the 'acknowledged' transition an ack publishes. Pure.
import { type AlarmMessage, iso } from '../../shared/src';
import type { AlarmJson } from '../../shared/src/http/alarm-json';
import { encodeTimeKey } from './cursor';
import { page } from './response-shapes';

/** A row of the alarms table as the repository reads it. */
export interface AlarmRow {
  id: string;
  sensorId: string;
  rule: string;
  metric: string | null;
  type: string;
  severity: string;
  status: 'active' | 'cleared';
  raisedAt: Date;
  /** `raisedAt` in epoch microseconds, exact, for the cursor */
  raisedAtUs: string;
  value: number | null;
  peak: number | null;
  events: number;
  warnings: number;
  lastWarningAt: Date | null;
  clearedAt: Date | null;
  clearedBy: string | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  comment: string | null;
  /** the processor's transitions so far */
  version: number;
}

const isoOrNull = (time: Date | null) => (time === null ? null : iso(time));

/** The contract's alarm, its fields in the contract's order. */
export function alarmBody(row: AlarmRow): AlarmJson {
  return {
    id: row.id,
    sensorId: row.sensorId,
    rule: row.rule,
    metric: row.metric,
    type: row.type,
    severity: row.severity,
    status: row.status,
    acknowledged: row.acknowledgedAt !== null,
    raisedAt: iso(row.raisedAt),
    value: row.value,
    peak: row.peak,
    events: row.events,
    warnings: row.warnings,
    lastWarningAt: isoOrNull(row.lastWarningAt),
    clearedAt: isoOrNull(row.clearedAt),
    clearedBy: row.clearedBy,
    acknowledgedAt: isoOrNull(row.acknowledgedAt),
    acknowledgedBy: row.acknowledgedBy,
    comment: row.comment,
  };
}

/** A page of alarms (fetched with limit + 1), newest first, and the cursor of the next one or null. */
export function alarmsBody(rows: AlarmRow[], limit: number) {
  const { items, nextCursor } = page(rows, limit, (r) => encodeTimeKey('alarm', { atUs: r.raisedAtUs, id: r.id }));
  return { alarms: items.map(alarmBody), nextCursor };
}

export interface Acknowledgement {
  /** epoch ms */
  at: number;
  by: string;
  comment: string | null;
}

/**
 * The row once acknowledged: the first ack's time and name; `comment` stays the one the alarm has
 * (a clear's), else becomes the ack's, as the saver merges it (saver/src/alarm-writer.ts).
 */
export function acknowledged(row: AlarmRow, ack: Acknowledgement): AlarmRow {
  if (row.acknowledgedAt !== null) return row;
  return {
    ...row,
    acknowledgedAt: new Date(ack.at),
    acknowledgedBy: ack.by,
    comment: row.comment ?? ack.comment,
  };
}

const ms = (time: Date | null) => (time === null ? null : time.getTime());

/**
 * The transition an ack publishes on the alarms topic: the alarm as its row is, acknowledged. Its
 * version is the row's: an ack is not a processor transition, so it never moves the processor's
 * fields (the saver keeps those only from a higher version).
 */
export function acknowledgedMessage(row: AlarmRow, at: number): AlarmMessage {
  return {
    transition: 'acknowledged',
    id: row.id,
    sensorId: row.sensorId,
    rule: row.rule,
    metric: row.metric,
    type: row.type,
    severity: row.severity,
    status: row.status,
    acknowledged: row.acknowledgedAt !== null,
    raisedAt: row.raisedAt.getTime(),
    value: row.value,
    peak: row.peak,
    events: row.events,
    warnings: row.warnings,
    lastWarningAt: ms(row.lastWarningAt),
    clearedAt: ms(row.clearedAt),
    clearedBy: row.clearedBy,
    acknowledgedAt: ms(row.acknowledgedAt),
    acknowledgedBy: row.acknowledgedBy,
    comment: row.comment,
    version: row.version,
    at,
  };
}
