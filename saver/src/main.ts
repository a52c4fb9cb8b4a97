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
  watchConsumer,
} from '../../shared/src';
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
  const producer = await connectProducer(kafka, lifecycle);

  const consumer = createConsumer(kafka, config.kafka, config.saver.groupId);
  const consumerHealth = watchConsumer(consumer, {
    logger,
    lifecycle,
    restartTimeoutMs: config.kafka.consumerRestartTimeoutMs,
  });

  const registry = createRegistry('saver');
  await startStatusServer({
    checks: {
      kafka: () => admin.describeCluster(),
      postgres: () => pool.query('SELECT 1'),
      consumer: consumerHealth.check,
    },
    registry,
    logger,
    port: config.saver.statusPort,
    lifecycle,
  });

  const saver = createSaverFromConfig(config, {
    consumer,
    producer,
    pool,
    metrics: createSaverMetrics(registry),
    logger,
  });
  await consumer.connect();
  lifecycle.onShutdown('kafka consumer', () => saver.stop());
  await saver.start();
});
