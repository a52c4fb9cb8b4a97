// What the live stream sends for each message of the topics (README "Live stream"). Pure. Times are
// ISO-8601 UTC with milliseconds, as in every answer of the API.
import { type AlarmMessage, iso, type Reading, type SensorEvent } from '../../shared/src';
import { alarmBody } from './alarm-shapes';
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

const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(ms));

/** `event: alarm`: the alarm after the transition, shaped as the alarms API answers it (alarm-shapes.ts). */
export function alarmData(a: AlarmMessage) {
  return alarmBody({
    ...a,
    raisedAt: new Date(a.raisedAt),
    raisedAtUs: '', // a list cursor's part, not shown
    lastWarningAt: dateOrNull(a.lastWarningAt),
    clearedAt: dateOrNull(a.clearedAt),
    acknowledgedAt: dateOrNull(a.acknowledgedAt),
  });
}
