// Saver entry point: configuration, clients, migrations, status server, consumer, shutdown.
import {
  connectKafka,
  connectProducer,
  createConsumer,
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
import { createLogSaverFromConfig, logsGroupId } from './log-saver';
import { createSaverFromConfig } from './saver';
import { createSaverMetrics } from './saver-metrics';

const config = loadConfig();
const logger = createLogger({ name: 'saver', level: config.log.level });
const lifecycle = createLifecycle(logger, config.shutdownTimeoutMs);

runService(logger, lifecycle, async () => {
  const pool = createPool(config.postgres, logger);
  lifecycle.onShutdown('postgres pool', () => pool.end());
  await migrateWhenReady(pool, logger, lifecycle);

  const { kafka, admin } = await connectKafka(config.kafka, 'saver', logger, lifecycle);
  const producer = await connectProducer(kafka, lifecycle, logger);

  const consumer = createConsumer(kafka, config.kafka, config.saver.groupId);
  const consumerHealth = watchConsumer(consumer, {
    logger,
    lifecycle,
    restartTimeoutMs: config.kafka.consumerRestartTimeoutMs,
    restart: async () => {
      await consumer.connect();
      await saver.start();
    },
  });

  // log lines: a consumer group of their own (log-saver.ts)
  const logsConsumer = createConsumer(kafka, config.kafka, logsGroupId(config.saver.groupId));
  const logsConsumerHealth = watchConsumer(logsConsumer, {
    logger,
    lifecycle,
    restartTimeoutMs: config.kafka.consumerRestartTimeoutMs,
    restart: async () => {
      await logsConsumer.connect();
      await logSaver.start();
    },
  });

  const registry = createRegistry('saver');
  await startStatusServer({
    checks: {
      kafka: () => admin.describeCluster(),
      postgres: () => pool.query('SELECT 1'),
      consumer: consumerHealth.check,
      logsConsumer: logsConsumerHealth.check,
    },
    registry,
    logger,
    port: config.saver.statusPort,
    lifecycle,
  });

  const metrics = createSaverMetrics(registry);
  const saver = createSaverFromConfig(config, { consumer, producer, pool, metrics, logger });
  const logSaver = createLogSaverFromConfig(config, { consumer: logsConsumer, producer, pool, metrics, logger });
  lifecycle.onShutdown('kafka consumer', () => saver.stop());
  lifecycle.onShutdown('kafka logs consumer', () => logSaver.stop());
  await untilKafkaAnswers(
    'connect the consumers',
    () => Promise.all([consumer.connect(), logsConsumer.connect()]),
    logger,
    lifecycle,
  );
  await untilKafkaAnswers('subscribe the consumer', () => saver.start(), logger, lifecycle);
  await untilKafkaAnswers('subscribe the logs consumer', () => logSaver.start(), logger, lifecycle);
});
