// Alarms → the body of Alertmanager's POST /api/v2/alerts (an array of postable alerts). Pure.
//
// An active alarm is posted with endsAt a few re-send intervals ahead: Alertmanager keeps it firing
// while we keep re-sending, and resolves it by itself only if we stopped (the notifier is gone for
// that long). A cleared alarm is posted with endsAt = its clear time: resolved at once. An
// acknowledged alarm stays firing (annotation acknowledged="true"): silencing is Alertmanager's job.
import { iso } from '../../shared/src';
import type { AlarmState } from './alarm-message';
import { alarmUrl, alertAnnotations, alertLabels, clearedAt, type LabelSet } from './alert-content';

export interface PostableAlert {
  labels: LabelSet;
  annotations: LabelSet;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

export interface AlertOptions {
  /** epoch ms */
  nowMs: number;
  /** how far ahead of now an active alarm's endsAt is */
  activeForMs: number;
  externalUrl: string;
}

export function postableAlert(alarm: AlarmState, options: AlertOptions, transition?: string): PostableAlert {
  const endsAt =
    alarm.status === 'cleared' ? clearedAt(alarm) : Math.max(options.nowMs + options.activeForMs, alarm.raisedAt);
  return {
    labels: alertLabels(alarm),
    annotations: alertAnnotations(alarm, transition),
    startsAt: iso(alarm.raisedAt),
    endsAt: iso(endsAt),
    generatorURL: alarmUrl(options.externalUrl, alarm.id),
  };
}

/** How many re-send intervals ahead an active alert's endsAt is: two re-sends may fail before Alertmanager resolves it. */
export const RESEND_INTERVALS_AHEAD = 3;
