// Saver entry point: configuration, clients, migrations, status server, consumer, shutdown.
import http from 'node:http';
import {
  closeServer,
  createConsumer,
  createKafka,
  createLifecycle,
  createLogger,
  createPool,
  createProducer,
  createRegistry,
  createStatusApp,
  ensureTopics,
  listen,
  loadConfig,
  migrate,
  pipelineTopics,
  runService,
} from '../../shared/src';
import { createSaver } from './saver';
import { createSaverMetrics } from './saver-metrics';

const config = loadConfig();
const logger = createLogger({ name: 'saver', level: config.log.level });
const lifecycle = createLifecycle(logger, config.shutdownTimeoutMs);

runService(logger, lifecycle, async () => {
  const pool = createPool(config.postgres, logger);
  lifecycle.onShutdown('postgres pool', () => pool.end());
  await migrate(pool, logger);

  const kafka = createKafka(config.kafka, 'saver', logger);
  const admin = kafka.admin();
  await admin.connect();
  lifecycle.onShutdown('kafka admin', () => admin.disconnect());
  await ensureTopics(admin, pipelineTopics(config.kafka), logger);

  const producer = createProducer(kafka);
  await producer.connect();
  lifecycle.onShutdown('kafka producer', () => producer.disconnect());

  const registry = createRegistry('saver');
  const statusServer = http.createServer(
    createStatusApp({
      checks: { kafka: () => admin.describeCluster(), postgres: () => pool.query('SELECT 1') },
      registry,
      logger,
    }),
  );
  await listen(statusServer, config.saver.statusPort, '0.0.0.0');
  lifecycle.onShutdown('status server', () => closeServer(statusServer));

  const consumer = createConsumer(kafka, config.kafka, config.saver.groupId, config.saver.flushMs);
  const saver = createSaver({
    consumer,
    producer,
    pool,
    readingsTopic: config.kafka.readingsTopic,
    eventsTopic: config.kafka.eventsTopic,
    deadLetterTopic: config.kafka.deadLetterTopic,
    groupId: config.saver.groupId,
    batchSize: config.saver.batchSize,
    flushMs: config.saver.flushMs,
    retryMaxMs: config.saver.retryMaxMs,
    metrics: createSaverMetrics(registry),
    logger,
  });
  await consumer.connect();
  lifecycle.onShutdown('kafka consumer', () => saver.stop());
  await saver.start();
});
