// Kafka helpers of the integration tests: clients on the test broker, topics created up front, and
// reading a topic from the beginning until a condition holds.
import { randomUUID } from 'node:crypto';
import { type Consumer, type Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { type Config, createKafka, createLogger, ensurePipelineTopics } from '../shared/src';
import { waitFor } from './helpers';

export const silentLogger = createLogger({ name: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export async function kafkaWithTopics(config: Config): Promise<Kafka> {
  const kafka = createKafka(config.kafka, 'test', silentLogger);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensurePipelineTopics(admin, config.kafka, silentLogger);
  } finally {
    await admin.disconnect();
  }
  return kafka;
}

export interface TopicReader {
  messages: Array<KafkaMessage & { partition: number }>;
  /** waits until `predicate(messages)` holds */
  until(predicate: (messages: TopicReader['messages']) => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function readTopic(kafka: Kafka, topic: string): Promise<TopicReader> {
  const consumer: Consumer = kafka.consumer({
    groupId: `test-reader-${randomUUID()}`,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10000,
  });
  const messages: TopicReader['messages'] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      messages.push({ ...message, partition });
    },
  });
  return {
    messages,
    until: (predicate, what, timeoutMs = 20000) =>
      waitFor(() => predicate(messages), { what, timeoutMs }).then(() => undefined),
    close: () => consumer.disconnect(),
  };
}

export { logLevel };
