// The two kinds of target: how each turns a partition's batch of transitions into POSTs.
//  - Alertmanager: the latest state of each alarm, in chunks (alertmanager-plan.ts), each alert
//    checked against and recorded in what this instance last posted for its label set
//    (latest-alarms.ts), under the partition's lock so the re-send never crosses it.
//  - A webhook: one POST per transition, in order, in Alertmanager's webhook format.
import type { AlarmMessage } from '../../shared/src';
import { alertmanagerPosts } from './alertmanager-plan';
import { postableAlert } from './alertmanager-payload';
import { postJson } from './http-post';
import type { createKeyedLock } from './keyed-lock';
import type { LatestAlarms } from './latest-alarms';
import type { PlannedPost, TargetSender } from './target-consumer';
import type { TargetSpec } from './targets';
import { webhookMessage } from './webhook-payload';

/** Alerts per POST to Alertmanager: large enough for a catch-up, small enough for one timeout. */
export const ALERTS_PER_POST = 500;

export interface AlertmanagerSenderDeps {
  spec: TargetSpec;
  latest: LatestAlarms;
  lock: ReturnType<typeof createKeyedLock>;
  activeForMs: number;
  externalUrl: string;
  timeoutMs: number;
  post?: typeof postJson;
}

export function createAlertmanagerSender(deps: AlertmanagerSenderDeps): TargetSender {
  const post = deps.post ?? postJson;
  return {
    spec: deps.spec,
    plan(partition, transitions): PlannedPost[] {
      return alertmanagerPosts(transitions, ALERTS_PER_POST).map(({ offset, alarms }) => ({
        offset,
        at: alarms.map((a) => a.at),
        attempt: () =>
          deps.lock.run(partition, async () => {
            const fresh = alarms.filter((a) => !deps.latest.isStale(a));
            if (fresh.length === 0) return { accepted: true, status: 0 } as const;
            const nowMs = Date.now();
            const options = { nowMs, activeForMs: deps.activeForMs, externalUrl: deps.externalUrl };
            const outcome = await post(
              deps.spec,
              fresh.map((a) => postableAlert(a, options)),
              deps.timeoutMs,
            );
            if (outcome.accepted) for (const a of fresh) deps.latest.remember(a, partition, nowMs);
            return outcome;
          }),
      }));
    },
  };
}

export function createWebhookSender(deps: {
  spec: TargetSpec;
  externalUrl: string;
  timeoutMs: number;
  post?: typeof postJson;
}): TargetSender {
  const post = deps.post ?? postJson;
  const options = { receiver: deps.spec.name, externalUrl: deps.externalUrl };
  return {
    spec: deps.spec,
    plan(_partition, transitions: Array<{ offset: string; value: AlarmMessage }>): PlannedPost[] {
      return transitions.map(({ offset, value }) => {
        const body = webhookMessage(value, options);
        return { offset, at: [value.at], attempt: () => post(deps.spec, body, deps.timeoutMs) };
      });
    },
  };
}
