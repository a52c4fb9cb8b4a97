// Receiver entry point: configuration, clients, app, listen, shutdown. Nothing else.
import {
  connectKafka,
  connectProducer,
  createLifecycle,
  createLogger,
  createRegistry,
  loadConfig,
  runService,
  startHttpServer,
} from '../../shared/src';
import { createApp } from './app';
import { createKafkaPublisher } from './kafka-publisher';
import { createLogPublisher } from './log-publisher';
import { openReceiverAccess } from './receiver-access';
import { createReceiverMetrics } from './receiver-metrics';

const config = loadConfig();
const logger = createLogger({ name: 'receiver', level: config.log.level });
const lifecycle = createLifecycle(logger, config.shutdownTimeoutMs);

runService(logger, lifecycle, async () => {
  const { kafka, admin } = await connectKafka(config.kafka, 'receiver', logger, lifecycle);
  const producer = await connectProducer(kafka, lifecycle, logger);
  // log lines on a producer of their own: one idempotent producer takes one send at a time (kafka-publisher.ts)
  const logsProducer = await connectProducer(kafka, lifecycle, logger);
  const { access, checks: accessChecks } = await openReceiverAccess(config, logger, lifecycle);

  const registry = createRegistry('receiver');
  const metrics = createReceiverMetrics(registry, () => publisher.held);
  const publisher = createKafkaPublisher({
    producer,
    topic: config.kafka.readingsTopic,
    lingerMs: config.receiver.lingerMs,
    maxBatch: config.receiver.produceBatchMax,
    maxInFlight: config.receiver.maxInFlightReadings,
    timeoutMs: config.receiver.produceTimeoutMs,
    metrics,
  });
  const logPublisher = createLogPublisher({
    producer: logsProducer,
    topic: config.kafka.logsTopic,
    config: config.receiver,
  });
  const app = createApp({
    config: config.receiver,
    publish: (readings) => publisher.publishReadings(readings),
    publishLogs: (lines) => logPublisher.publishLogs(lines),
    checks: { kafka: () => admin.describeCluster(), ...accessChecks },
    registry,
    metrics,
    logger,
    access,
  });
  lifecycle.onShutdown('readings in flight', () => publisher.drain());
  lifecycle.onShutdown('log lines in flight', () => logPublisher.drain());
  // Registered last, so closed first: stop taking requests, answer those in flight, then flush Kafka.
  await startHttpServer({ app, port: config.receiver.port, host: config.receiver.host, lifecycle });
  logger.info({ port: config.receiver.port }, 'receiver listening');
});
