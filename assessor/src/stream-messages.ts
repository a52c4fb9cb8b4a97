// What the live stream sends for each message of the topics (README "Live stream"). Pure. Times are
// ISO-8601 UTC with milliseconds, as in every answer of the API.
import { type AlarmMessage, iso, type Reading, type SensorEvent } from '../../shared/src';
import { compatEvent } from './response-shapes';

/** `event: reading` */
export function readingData(r: Reading) {
  return { sensorId: r.sensorId, metric: r.metric, value: r.value, at: iso(r.at) };
}

/** `event: event`: the compat event (the field named after the metric first) plus sensorId. */
export function eventData(e: SensorEvent) {
  return {
    ...compatEvent({ metric: e.metric, value: e.value, at: new Date(e.at), type: e.type }),
    sensorId: e.sensorId,
  };
}

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** `event: alarm`: the alarm as the contract shapes it (the transition's state after it). */
export function alarmData(a: AlarmMessage) {
  return {
    id: a.id,
    sensorId: a.sensorId,
    rule: a.rule,
    metric: a.metric,
    type: a.type,
    severity: a.severity,
    status: a.status,
    acknowledged: a.acknowledged,
    raisedAt: iso(a.raisedAt),
    value: a.value,
    peak: a.peak,
    events: a.events,
    warnings: a.warnings,
    lastWarningAt: isoOrNull(a.lastWarningAt),
    clearedAt: isoOrNull(a.clearedAt),
    clearedBy: a.clearedBy,
    acknowledgedAt: isoOrNull(a.acknowledgedAt),
    acknowledgedBy: a.acknowledgedBy,
    comment: a.comment,
  };
}
