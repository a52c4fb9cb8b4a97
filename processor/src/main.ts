// Processor entry point: configuration, clients, status server, consumer, shutdown. Nothing else.
import http from 'node:http';
import {
  closeServer,
  createConsumer,
  createKafka,
  createLifecycle,
  createLogger,
  createProducer,
  createRedis,
  createRegistry,
  createStatusApp,
  ensureTopics,
  listen,
  loadConfig,
  pipelineTopics,
  runService,
} from '../../shared/src';
import { createProcessor } from './processor';
import { createProcessorMetrics } from './processor-metrics';
import { createStreakStore } from './streak-store';

const config = loadConfig();
const logger = createLogger({ name: 'processor', level: config.log.level });
const lifecycle = createLifecycle(logger, config.shutdownTimeoutMs);

runService(logger, lifecycle, async () => {
  logger.info({ rules: config.processor.rules }, 'rules');
  const kafka = createKafka(config.kafka, 'processor', logger);
  const admin = kafka.admin();
  await admin.connect();
  lifecycle.onShutdown('kafka admin', () => admin.disconnect());
  await ensureTopics(admin, pipelineTopics(config.kafka), logger);

  const redis = createRedis(config.redis.url, logger);
  await redis.connect();
  lifecycle.onShutdown('redis', () => redis.quit());

  const producer = createProducer(kafka);
  await producer.connect();
  lifecycle.onShutdown('kafka producer', () => producer.disconnect());

  const registry = createRegistry('processor');
  const statusServer = http.createServer(
    createStatusApp({
      checks: { kafka: () => admin.describeCluster(), redis: () => redis.ping() },
      registry,
      logger,
    }),
  );
  await listen(statusServer, config.processor.statusPort, '0.0.0.0');
  lifecycle.onShutdown('status server', () => closeServer(statusServer));

  const consumer = createConsumer(kafka, config.kafka, config.processor.groupId, 100);
  const processor = createProcessor({
    consumer,
    producer,
    store: createStreakStore({
      redis,
      producer,
      keyPrefix: config.redis.keyPrefix,
      readingsTopic: config.kafka.readingsTopic,
      eventsTopic: config.kafka.eventsTopic,
    }),
    rules: config.processor.rules,
    readingsTopic: config.kafka.readingsTopic,
    deadLetterTopic: config.kafka.deadLetterTopic,
    groupId: config.processor.groupId,
    chunkSize: config.processor.scriptChunk,
    retryMaxMs: 5000,
    metrics: createProcessorMetrics(registry),
    logger,
  });
  await consumer.connect();
  // Registered last, so stopped first: finish the batch in hand, commit, leave the group.
  lifecycle.onShutdown('kafka consumer', () => processor.stop());
  await processor.start();
});
