// The notifier: a downstream consumer of the alarms topic that keeps Alertmanager up to date and
// POSTs webhooks. Each target (Alertmanager; each webhook URL) is its own consumer group on the
// topic and commits a transition's offset only once that target accepted it, so:
//   - delivery is at least once per target, retried with backoff until a 2xx;
//   - a target that is down or slow holds back only its own group, never the other targets, and
//     never the pipeline (the processor produces alarms whatever the notifier does);
//   - instances scale out like the other consumers: each group shares the partitions among them.
// With Alertmanager, the active alarms are also re-sent periodically from PostgreSQL (resender.ts).
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { type Config, createConsumer, type KafkaConfig, kafkaPartitionOf, type Logger } from '../../shared/src';
import { RESEND_INTERVALS_AHEAD } from './alertmanager-payload';
import { createKeyedLock } from './keyed-lock';
import { createLatestAlarms } from './latest-alarms';
import type { NotifierMetrics } from './notifier-metrics';
import { createResender } from './resender';
import { createAlertmanagerSender, createWebhookSender } from './senders';
import { createTargetConsumer } from './target-consumer';
import { notificationTargets } from './targets';

export interface NotifierDeps {
  kafka: Kafka;
  kafkaConfig: KafkaConfig;
  /** for dead letters */
  producer: Producer;
  /** the alarms table, for the re-send; needed when there is an Alertmanager */
  pool?: Pool;
  /** partitions of the alarms topic (as it exists), to tell which alarms are the Alertmanager consumer's */
  alarmsPartitions: number;
  settings: Config['notifier'];
  metrics: NotifierMetrics;
  logger: Logger;
  /** first wait between retries, ms (tests shorten it) */
  retryInitialMs?: number;
}

/** Cleared alarms are remembered this long, at least (see latest-alarms.ts). */
const MIN_RETENTION_MS = 10 * 60_000;

export function createNotifier(deps: NotifierDeps) {
  const { settings, kafkaConfig, logger } = deps;
  const targets = notificationTargets(settings);
  const resendMs = settings.alertmanagerResendS * 1000;
  const activeForMs = RESEND_INTERVALS_AHEAD * resendMs;
  const common = {
    topic: kafkaConfig.alarmsTopic,
    fromBeginning: settings.newTargetStart === 'earliest',
    partitionsConsumedConcurrently: Math.max(1, deps.alarmsPartitions),
    producer: deps.producer,
    deadLetterTopic: kafkaConfig.deadLetterTopic,
    retryInitialMs: deps.retryInitialMs ?? 500,
    retryMaxMs: settings.retryMaxMs,
    metrics: deps.metrics,
    logger,
  };

  let resender: ReturnType<typeof createResender> | undefined;
  const consumers = targets.map((spec) => {
    const consumer: Consumer = createConsumer(deps.kafka, kafkaConfig, spec.groupId);
    if (spec.kind === 'webhook') {
      const sender = createWebhookSender({ spec, externalUrl: settings.externalUrl, timeoutMs: settings.timeoutMs });
      return createTargetConsumer({ ...common, consumer, sender });
    }
    if (!deps.pool) throw new Error('the notifier needs PostgreSQL to re-send the active alarms to Alertmanager');
    const latest = createLatestAlarms(Math.max(MIN_RETENTION_MS, 5 * resendMs));
    const lock = createKeyedLock();
    let owned: ReadonlySet<number> = new Set();
    // Ownership follows the group: none while it rebalances, the new assignment once joined (then a
    // re-send at once, so the alarms of partitions taken over from a stopped instance stay firing).
    consumer.on(consumer.events.REBALANCING, () => {
      owned = new Set();
    });
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      owned = new Set(event.payload.memberAssignment[kafkaConfig.alarmsTopic] ?? []);
      latest.prune(Date.now(), owned);
      void resender?.runNow();
    });
    resender = createResender({
      pool: deps.pool,
      spec,
      latest,
      lock,
      ownedPartitions: () => owned,
      partitionOf: (sensorId) => kafkaPartitionOf(sensorId, deps.alarmsPartitions),
      intervalMs: resendMs,
      activeForMs,
      externalUrl: settings.externalUrl,
      timeoutMs: settings.timeoutMs,
      metrics: deps.metrics,
      logger,
    });
    const sender = createAlertmanagerSender({
      spec,
      latest,
      lock,
      activeForMs,
      externalUrl: settings.externalUrl,
      timeoutMs: settings.timeoutMs,
    });
    return createTargetConsumer({ ...common, consumer, sender });
  });

  return {
    /** name, kind, group and host of each target (no URL: it may hold a secret) */
    targets: targets.map(({ name, kind, groupId, host }) => ({ name, kind, groupId, host })),
    consumers: consumers.map((c) => c.consumer),
    /** re-sends the active alarms to Alertmanager now (tests; it also runs every interval) */
    resendNow: () => resender?.runNow() ?? Promise.resolve(0),
    async start(): Promise<void> {
      if (targets.length === 0) logger.warn('no notification target (ALERTMANAGER_URL, ALERT_WEBHOOK_URLS): idle');
      for (const c of consumers) {
        await c.consumer.connect();
        await c.start();
        logger.info({ target: c.spec.name, host: c.spec.host, group: c.spec.groupId }, 'notification target');
      }
      resender?.start();
    },
    async stop(): Promise<void> {
      await resender?.stop();
      await Promise.all(consumers.map((c) => c.stop()));
    },
  };
}

/** The notifier as its main.ts builds it: every setting from the configuration. */
export function createNotifierFromConfig(
  config: Config,
  clients: Pick<NotifierDeps, 'kafka' | 'producer' | 'pool' | 'alarmsPartitions' | 'metrics' | 'logger'>,
) {
  return createNotifier({ ...clients, kafkaConfig: config.kafka, settings: config.notifier });
}
