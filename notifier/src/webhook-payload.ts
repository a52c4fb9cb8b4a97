// An alarm transition → the JSON body Alertmanager's webhook receiver POSTs (webhook_config, version
// "4"), with the one alarm as the group's one alert, so any receiver written for Alertmanager takes it
// unchanged. The fingerprint is the alarm id; annotations carry the transition and the alarm's fields.
// Pure.
import { type AlarmMessage, iso } from '../../shared/src';
import { alarmUrl, alertAnnotations, alertLabels, clearedAt, type LabelSet } from './alert-content';

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: LabelSet;
  annotations: LabelSet;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface WebhookMessage {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: LabelSet;
  commonLabels: LabelSet;
  commonAnnotations: LabelSet;
  externalURL: string;
  alerts: WebhookAlert[];
}

/** What Alertmanager's webhooks give a firing alert as endsAt: Go's zero time. */
export const NO_END = '0001-01-01T00:00:00Z';

/** The labels a group is made of: one alarm at a time per (sensor, rule). */
const GROUP_BY = ['alertname', 'rule', 'sensorId'];

/** Alertmanager's group key: the route's matchers, then the group labels as Go prints a label set. */
export function groupKey(groupLabels: LabelSet): string {
  const pairs = Object.keys(groupLabels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(groupLabels[name])}`);
  return `{}:{${pairs.join(', ')}}`;
}

export function webhookMessage(
  transition: AlarmMessage,
  options: { receiver: string; externalUrl: string },
): WebhookMessage {
  const labels = alertLabels(transition);
  const annotations = alertAnnotations(transition, transition.transition);
  const status = transition.status === 'cleared' ? 'resolved' : 'firing';
  const groupLabels = Object.fromEntries(GROUP_BY.map((name) => [name, labels[name]]));
  return {
    version: '4',
    groupKey: groupKey(groupLabels),
    truncatedAlerts: 0,
    status,
    receiver: options.receiver,
    groupLabels,
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: options.externalUrl,
    alerts: [
      {
        status,
        labels,
        annotations,
        startsAt: iso(transition.raisedAt),
        endsAt: status === 'resolved' ? iso(clearedAt(transition)) : NO_END,
        generatorURL: alarmUrl(options.externalUrl, transition.id),
        fingerprint: transition.id,
      },
    ],
  };
}
