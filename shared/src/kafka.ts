// Kafka client factory and the idempotent "ensure topics" step every service runs at start-up.
import { type Admin, type Consumer, Kafka, logLevel, Partitioners, type Producer, type ProducerConfig } from 'kafkajs';
import type { KafkaConfig } from './config';
import { kafkaLogCreator, type Logger } from './logger';

export function createKafka(config: KafkaConfig, service: string, logger: Logger): Kafka {
  return new Kafka({
    clientId: `${config.clientId}-${service}`,
    brokers: config.brokers,
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    logLevel: logLevel.INFO,
    logCreator: kafkaLogCreator(logger),
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
  });
}

/**
 * An idempotent producer (sends use acks from all in-sync replicas): a retried produce request can't
 * write a reading twice at two offsets, which the processor would then count twice. Its retries are
 * unbounded, as kafkajs requires for idempotence: giving up on a send whose outcome is unknown and then
 * sending other records could reuse its sequence numbers, and the broker would drop them as
 * duplicates. Callers bound how long *they* wait (the receiver's produceTimeoutMs), not the producer.
 */
export function createProducer(kafka: Kafka, options: Partial<ProducerConfig> = {}): Producer {
  return kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 2000 },
    ...options,
  });
}

/**
 * A consumer of our groups: topics are never auto-created; a dead instance is noticed within the
 * session timeout; an idle fetch returns within 100 ms (a busy one at once); a fetch holds at most
 * 4 MiB (512 KiB a partition), which bounds the memory a catch-up after an outage takes.
 */
export function createConsumer(kafka: Kafka, config: KafkaConfig, groupId: string, maxWaitTimeInMs = 100): Consumer {
  return kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: config.sessionTimeoutMs,
    rebalanceTimeout: config.rebalanceTimeoutMs,
    heartbeatInterval: Math.max(500, Math.floor(config.sessionTimeoutMs / 5)),
    maxWaitTimeInMs,
    maxBytes: 4 * 1024 * 1024,
    maxBytesPerPartition: 512 * 1024,
  });
}

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
}

export function pipelineTopics(config: KafkaConfig): TopicSpec[] {
  const spec = { numPartitions: config.partitions, replicationFactor: config.replicationFactor };
  return [
    { topic: config.readingsTopic, ...spec },
    { topic: config.eventsTopic, ...spec },
    { topic: config.alarmsTopic, ...spec },
    { topic: config.deadLetterTopic, ...spec },
  ];
}

/**
 * Creates the topics that are missing, with their partition counts, and waits for their leaders.
 * Safe to run from every service at once: "already exists" is success. An existing topic with other
 * partition counts is left alone (adding partitions would move sensors between partitions) and logged.
 */
export async function ensureTopics(admin: Admin, topics: TopicSpec[], logger: Logger): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length) {
    try {
      await admin.createTopics({ topics: missing, waitForLeaders: true });
      logger.info({ topics: missing.map((t) => t.topic) }, 'created topics');
    } catch (err) {
      // Another instance created them between listTopics and createTopics.
      if ((err as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw err;
    }
  }
  const metadata = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
  for (const t of metadata.topics) {
    const wanted = topics.find((s) => s.topic === t.name);
    if (wanted && t.partitions.length !== wanted.numPartitions) {
      logger.warn(
        { topic: t.name, partitions: t.partitions.length, configured: wanted.numPartitions },
        'topic exists with a different partition count; left as it is',
      );
    }
  }
}
