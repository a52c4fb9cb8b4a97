// Processor entry point: configuration, clients, status server, consumer, shutdown. Nothing else.
import {
  connectKafka,
  connectProducer,
  createConsumer,
  createLifecycle,
  createLogger,
  createRedisClient,
  createRegistry,
  loadConfig,
  runService,
  startStatusServer,
  untilKafkaAnswers,
  watchConsumer,
} from '../../shared/src';
import { createProcessorFromConfig } from './processor';
import { createProcessorMetrics } from './processor-metrics';

const config = loadConfig();
const logger = createLogger({ name: 'processor', level: config.log.level });
const lifecycle = createLifecycle(logger, config.shutdownTimeoutMs);

runService(logger, lifecycle, async () => {
  logger.info({ rules: config.processor.rules }, 'rules');
  const { kafka, admin } = await connectKafka(config.kafka, 'processor', logger, lifecycle);

  const redis = createRedisClient(config.redis, logger);
  await redis.connect();
  lifecycle.onShutdown('redis', () => redis.quit());

  const producer = await connectProducer(kafka, lifecycle, logger);

  const consumer = createConsumer(kafka, config.kafka, config.processor.groupId);
  const consumerHealth = watchConsumer(consumer, {
    logger,
    lifecycle,
    restartTimeoutMs: config.kafka.consumerRestartTimeoutMs,
    restart: async () => {
      await consumer.connect();
      await processor.start();
    },
  });

  const registry = createRegistry('processor');
  await startStatusServer({
    checks: { kafka: () => admin.describeCluster(), redis: () => redis.ping(), consumer: consumerHealth.check },
    registry,
    logger,
    port: config.processor.statusPort,
    lifecycle,
  });

  const processor = createProcessorFromConfig(config, {
    consumer,
    producer,
    redis,
    kafka,
    metrics: createProcessorMetrics(registry),
    logger,
  });
  // Registered last, so stopped first: finish the batch in hand, commit, leave the group.
  lifecycle.onShutdown('kafka consumer', () => processor.stop());
  await untilKafkaAnswers('connect the consumer', () => consumer.connect(), logger, lifecycle);
  await untilKafkaAnswers('subscribe the rules and the readings', () => processor.start(), logger, lifecycle);
});
