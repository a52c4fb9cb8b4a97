// Notifier entry point: configuration, clients, status server, one consumer per target, shutdown. Nothing else.
import {
  connectKafka,
  connectProducer,
  createLifecycle,
  createLogger,
  createPool,
  createRegistry,
  loadConfig,
  migrateWhenReady,
  runService,
  startStatusServer,
  untilKafkaAnswers,
  watchConsumer,
} from '../../shared/src';
import { createNotifierFromConfig } from './notifier';
import { createNotifierMetrics } from './notifier-metrics';

const config = loadConfig();
const logger = createLogger({ name: 'notifier', level: config.log.level });
const lifecycle = createLifecycle(logger, config.shutdownTimeoutMs);

runService(logger, lifecycle, async () => {
  // PostgreSQL only for the re-send of the active alarms to Alertmanager.
  const pool = config.notifier.alertmanagerUrl ? createPool(config.postgres, logger) : undefined;
  if (pool) {
    lifecycle.onShutdown('postgres pool', () => pool.end());
    await migrateWhenReady(pool, logger, lifecycle);
  }

  const { kafka, admin } = await connectKafka(config.kafka, 'notifier', logger, lifecycle);
  const producer = await connectProducer(kafka, lifecycle, logger);
  const metadata = await untilKafkaAnswers(
    'read the alarms topic',
    () => admin.fetchTopicMetadata({ topics: [config.kafka.alarmsTopic] }),
    logger,
    lifecycle,
  );
  const alarmsPartitions = metadata.topics[0].partitions.length;

  const registry = createRegistry('notifier');
  const notifier = createNotifierFromConfig(config, {
    kafka,
    producer,
    pool,
    alarmsPartitions,
    metrics: createNotifierMetrics(registry),
    logger,
  });
  const consumerChecks = Object.fromEntries(
    notifier.consumers.map((consumer, i) => [
      `consumer ${notifier.targets[i].name}`,
      watchConsumer(consumer, { logger, lifecycle, restartTimeoutMs: config.kafka.consumerRestartTimeoutMs }).check,
    ]),
  );
  await startStatusServer({
    // A target that is down is not the notifier's failure (restarting would not help): it shows in
    // notifier_target_failing and the logs, not in /ready.
    checks: {
      kafka: () => admin.describeCluster(),
      ...(pool ? { postgres: () => pool.query('SELECT 1') } : {}),
      ...consumerChecks,
    },
    registry,
    logger,
    port: config.notifier.statusPort,
    lifecycle,
  });

  // Registered last, so stopped first: finish the POSTs in flight, commit, leave the groups.
  lifecycle.onShutdown('kafka consumers', () => notifier.stop());
  await untilKafkaAnswers('subscribe the targets', () => notifier.start(), logger, lifecycle);
});
