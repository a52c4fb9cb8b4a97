// Receiver entry point: configuration, clients, app, listen, shutdown. Nothing else.
import http from 'node:http';
import {
  closeServer,
  connectKafka,
  connectProducer,
  createLifecycle,
  createLogger,
  createRegistry,
  listen,
  loadConfig,
  runService,
} from '../../shared/src';
import { createApp } from './app';
import { createKafkaPublisher } from './kafka-publisher';
import { openReceiverAccess } from './receiver-access';
import { createReceiverMetrics } from './receiver-metrics';

const config = loadConfig();
const logger = createLogger({ name: 'receiver', level: config.log.level });
const lifecycle = createLifecycle(logger, config.shutdownTimeoutMs);

runService(logger, lifecycle, async () => {
  const { kafka, admin } = await connectKafka(config.kafka, 'receiver', logger, lifecycle);
  const producer = await connectProducer(kafka, lifecycle);
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
  const app = createApp({
    config: config.receiver,
    publish: (readings) => publisher.publishReadings(readings),
    checks: { kafka: () => admin.describeCluster(), ...accessChecks },
    registry,
    metrics,
    logger,
    access,
  });
  const server = http.createServer(app);
  server.keepAliveTimeout = 65_000;
  // Registered last, so closed first: stop taking requests, answer those in flight, then flush Kafka.
  lifecycle.onShutdown('readings in flight', () => publisher.drain());
  lifecycle.onShutdown('http server', () => closeServer(server));
  await listen(server, config.receiver.port, config.receiver.host);
  logger.info({ port: config.receiver.port }, 'receiver listening');
});
