// Prometheus metrics of the notifier, by target name (`alertmanager`, `webhook-<hash>`: never a URL).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface NotifierMetrics {
  sent: Counter<'target'>;
  failures: Counter<'target' | 'reason'>;
  retried: Counter<'target'>;
  failing: Gauge<'target'>;
  delaySeconds: Histogram<'target'>;
  resent: Counter;
  resendFailures: Counter;
  deadLettered: Counter<'target'>;
  lag: Gauge<'target' | 'partition'>;
}

export function createNotifierMetrics(registry: Registry): NotifierMetrics {
  const registers = [registry];
  return {
    sent: new Counter({
      name: 'notifier_sent_total',
      help: 'Alarm transitions a target accepted (2xx), by target',
      labelNames: ['target'],
      registers,
    }),
    failures: new Counter({
      name: 'notifier_failures_total',
      help: 'POSTs a target did not accept, by target and reason (http_<status>, timeout, connection)',
      labelNames: ['target', 'reason'],
      registers,
    }),
    retried: new Counter({
      name: 'notifier_retried_total',
      help: 'Alarm transitions a target accepted only after one or more failed POSTs, by target',
      labelNames: ['target'],
      registers,
    }),
    failing: new Gauge({
      name: 'notifier_target_failing',
      help: '1 while the last POST to a target failed (its notifications wait and are retried), else 0',
      labelNames: ['target'],
      registers,
    }),
    delaySeconds: new Histogram({
      name: 'notifier_delivery_delay_seconds',
      help: 'From an alarm transition to its acceptance by a target, retries included, by target',
      labelNames: ['target'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers,
    }),
    resent: new Counter({
      name: 'notifier_resent_alerts_total',
      help: 'Alarms sent to Alertmanager again from PostgreSQL: the active ones (so it never times them out), and ones posted as firing that were found cleared there',
      registers,
    }),
    resendFailures: new Counter({
      name: 'notifier_resend_failures_total',
      help: 'Re-sends that failed (PostgreSQL or Alertmanager); the next interval tries again',
      registers,
    }),
    deadLettered: new Counter({
      name: 'notifier_dead_lettered_total',
      help: 'Undecodable alarm messages sent to the dead-letter topic, by target',
      labelNames: ['target'],
      registers,
    }),
    lag: new Gauge({
      name: 'notifier_consumer_lag',
      help: 'Alarm messages behind the high watermark, by target and partition',
      labelNames: ['target', 'partition'],
      registers,
    }),
  };
}
