// The assessor's Kafka producer (for alarm actions and rule changes), connected in the background:
// the read API never depended on Kafka and still does not. Until the producer is connected (Kafka
// down at start) those writes answer 503 at once; once connected, kafkajs reconnects by itself.
import type { Producer } from 'kafkajs';
import {
  createKafka,
  createProducer,
  ensurePipelineTopics,
  type KafkaConfig,
  type Lifecycle,
  type Logger,
  retryUntilDone,
} from '../../shared/src';

export function connectKafkaInBackground(
  config: KafkaConfig,
  logger: Logger,
  lifecycle: Lifecycle,
): { producer: Producer; ready: () => boolean } {
  const kafka = createKafka(config, 'assessor', logger);
  const producer = createProducer(kafka, {}, logger);
  let connected = false;
  const connect = async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      // the rules topic in particular: the assessor may be the first service to need it
      await ensurePipelineTopics(admin, config, logger);
    } finally {
      await admin.disconnect();
    }
    await producer.connect();
    connected = true;
    logger.info('Kafka producer connected: alarm actions and rule changes available');
  };
  const started = retryUntilDone(connect, {
    maxMs: 5000,
    shouldContinue: () => !lifecycle.stopping,
    onRetry: (err, attempt, waitMs) =>
      logger.warn({ err: (err as Error).message, attempt, waitMs }, 'Kafka unavailable; retrying the producer'),
  }).catch((err) => logger.warn({ err: (err as Error).message }, 'Kafka producer not connected'));
  lifecycle.onShutdown('kafka producer', async () => {
    await started;
    await producer.disconnect();
  });
  return { producer, ready: () => connected };
}
