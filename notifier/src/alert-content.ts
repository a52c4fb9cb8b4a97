// What an alarm says as an Alertmanager alert and in a webhook: its labels (the alert's identity in
// Alertmanager: one per (sensor, rule, type, severity)), its annotations, and the link to it. Pure.
import { iso } from '../../shared/src';
import type { AlarmState } from './alarm-message';

export type LabelSet = Record<string, string>;

/** alertname (= the alarm type), sensorId, rule, metric and severity; a null one (a silence alarm's metric) is left out. */
export function alertLabels(alarm: AlarmState): LabelSet {
  const labels: LabelSet = { alertname: alarm.type, sensorId: alarm.sensorId, rule: alarm.rule };
  if (alarm.metric !== null) labels.metric = alarm.metric;
  labels.severity = alarm.severity;
  return labels;
}

/**
 * summary and description for people, then the alarm's fields one by one for templates. The alarm id
 * is an annotation, not a label: a sensor's next incident of the same rule is the same Alertmanager
 * alert again, resolved in between, as Prometheus alerts are.
 */
export function alertAnnotations(alarm: AlarmState, transition?: string): LabelSet {
  const measured = alarm.metric === null ? '' : ` ${alarm.metric}`;
  const value = alarm.value === null ? '' : ` ${alarm.value}`;
  const peak = alarm.peak === null || alarm.peak === alarm.value ? '' : ` (peak ${alarm.peak})`;
  const summary = `${alarm.type} on ${alarm.sensorId}:${measured}${value}${peak}`;
  const parts = [
    `Rule ${alarm.rule} (${alarm.severity}) raised at ${iso(alarm.raisedAt)}`,
    alarm.value === null ? undefined : `value ${alarm.value}`,
    alarm.peak === null ? undefined : `peak ${alarm.peak}`,
    `${alarm.events} ${alarm.events === 1 ? 'event' : 'events'}, ${alarm.warnings} ${alarm.warnings === 1 ? 'warning' : 'warnings'}`,
    alarm.lastWarningAt === null ? undefined : `last warning at ${iso(alarm.lastWarningAt)}`,
  ].filter(Boolean);
  let description = `${parts.join('; ')}.`;
  if (alarm.acknowledgedAt !== null)
    description += ` Acknowledged by ${alarm.acknowledgedBy ?? 'an operator'} at ${iso(alarm.acknowledgedAt)}.`;
  if (alarm.clearedAt !== null) description += ` Cleared by ${alarm.clearedBy ?? 'rule'} at ${iso(alarm.clearedAt)}.`;
  description += ` Alarm ${alarm.id}.`;

  const annotations: LabelSet = { summary, description, alarmId: alarm.id };
  if (transition !== undefined) annotations.transition = transition;
  annotations.acknowledged = String(alarm.acknowledged);
  if (alarm.value !== null) annotations.value = String(alarm.value);
  if (alarm.peak !== null) annotations.peak = String(alarm.peak);
  annotations.events = String(alarm.events);
  annotations.warnings = String(alarm.warnings);
  if (alarm.lastWarningAt !== null) annotations.lastWarningAt = iso(alarm.lastWarningAt);
  if (alarm.acknowledgedAt !== null) annotations.acknowledgedAt = iso(alarm.acknowledgedAt);
  if (alarm.acknowledgedBy !== null) annotations.acknowledgedBy = alarm.acknowledgedBy;
  if (alarm.clearedAt !== null) annotations.clearedAt = iso(alarm.clearedAt);
  if (alarm.clearedBy !== null) annotations.clearedBy = alarm.clearedBy;
  if (alarm.comment !== null) annotations.comment = alarm.comment;
  return annotations;
}

/** The alarm in the assessor's API: what "Source" links to in Alertmanager's UI. */
export function alarmUrl(externalUrl: string, id: string): string {
  return `${externalUrl.replace(/\/+$/, '')}/api/v1/alarms/${encodeURIComponent(id)}`;
}

/** When the alarm ended: its clear, never before it started (Alertmanager refuses an alert that ends before it starts). */
export function clearedAt(alarm: AlarmState): number {
  return Math.max(alarm.clearedAt ?? alarm.raisedAt, alarm.raisedAt);
}
