// Kafka client factory and the idempotent "ensure topics" step every service runs at start-up.
import { type Admin, type Consumer, Kafka, logLevel, type Producer, type ProducerConfig } from 'kafkajs';
import type { KafkaConfig } from './config';
import { completeSends, loggingPartitioner, type PartitionLog } from './complete-send';
import { kafkaLogCreator, type Logger } from './logger';
import { retryUntilDone } from './retry';
import { topicReplication } from './topic-replication';

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
export function createProducer(kafka: Kafka, options: Partial<ProducerConfig> = {}, logger?: Logger): Producer {
  const partitions: PartitionLog = new WeakMap();
  const producer = kafka.producer({
    createPartitioner: loggingPartitioner(partitions),
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 2000 },
    ...options,
  });
  // a resolved send has written every partition it was given (complete-send.ts: a kafkajs defect)
  return completeSends(producer, partitions, (partitionCount, messages) =>
    logger?.warn(
      { partitions: partitionCount, messages },
      'kafkajs left partitions of a send unwritten; sending them again',
    ),
  );
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
  /** topic configs set at creation (kafkajs' ITopicConfig.configEntries) */
  configEntries?: Array<{ name: string; value: string }>;
}

/**
 * The pipeline's topics as created on a cluster of `brokers` running brokers, replicated as
 * topicReplication decides. min.insync.replicas is set on each replicated topic rather than left to
 * the brokers' default, so that a 200 means as many copies whatever the brokers' configuration.
 */
export function pipelineTopics(config: KafkaConfig, brokers = 1): TopicSpec[] {
  const { replicationFactor, minInsyncReplicas } = topicReplication(config, brokers);
  const spec: Omit<TopicSpec, 'topic'> = { numPartitions: config.partitions, replicationFactor };
  // A single replica is always its only in-sync one: nothing to set.
  if (replicationFactor > 1) spec.configEntries = [{ name: 'min.insync.replicas', value: String(minInsyncReplicas) }];
  // The rule sets: one key ("rules"), so one partition; compacted, so the newest version is kept for
  // ever and a processor starting years later still reads it, while old versions go.
  const rules: TopicSpec = {
    topic: config.rulesTopic,
    numPartitions: 1,
    replicationFactor,
    configEntries: [...(spec.configEntries ?? []), { name: 'cleanup.policy', value: 'compact' }],
  };
  return [
    { topic: config.readingsTopic, ...spec },
    { topic: config.eventsTopic, ...spec },
    { topic: config.alarmsTopic, ...spec },
    { topic: config.logsTopic, ...spec },
    { topic: config.deadLetterTopic, ...spec },
    rules,
  ];
}

/**
 * ensureTopics of the pipeline's topics, replicated for the brokers the cluster has running now, and
 * then known with their leaders to every broker: brokers learn of a new topic up to a few hundred ms
 * apart, and kafkajs fails a consumer's subscription on one that has not yet (UNKNOWN_TOPIC_OR_PARTITION).
 * Each broker is asked on a client of its own (kafkajs sends an admin's metadata requests to the
 * broker it is connected to).
 */
export async function ensurePipelineTopics(admin: Admin, config: KafkaConfig, logger: Logger): Promise<void> {
  const { brokers } = await admin.describeCluster();
  const topics = pipelineTopics(config, brokers.length);
  await ensureTopics(admin, topics, logger);
  if (brokers.length < 2) return;
  await Promise.all(
    brokers.map(async ({ host, port }) => {
      const one = createKafka({ ...config, brokers: [`${host}:${port}`] }, 'admin', logger).admin();
      await one.connect();
      try {
        await metadataWithLeaders(
          one,
          topics.map((t) => t.topic),
        );
      } finally {
        await one.disconnect();
      }
    }),
  );
}

/**
 * Creates the topics that are missing, with their partition counts, replication and configs, and
 * waits for their leaders. Safe to run from every service at once: "already exists" is success. An
 * existing topic with other partition counts or replicas is left alone (adding partitions would move
 * sensors between partitions) and logged.
 */
export async function ensureTopics(admin: Admin, topics: TopicSpec[], logger: Logger): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length) {
    try {
      // Leaders are waited for below: kafkajs' waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION,
      // which brokers other than the active controller answer until the new topic reaches them.
      await admin.createTopics({ topics: missing, waitForLeaders: false });
      logger.info(
        { topics: missing.map((t) => t.topic), replicationFactor: missing[0].replicationFactor },
        'created topics',
      );
    } catch (err) {
      // Another instance created them between listTopics and createTopics.
      if ((err as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw err;
    }
  }
  const metadata = await metadataWithLeaders(
    admin,
    topics.map((t) => t.topic),
  );
  for (const t of metadata.topics) {
    const wanted = topics.find((s) => s.topic === t.name);
    if (wanted && t.partitions.length !== wanted.numPartitions) {
      logger.warn(
        { topic: t.name, partitions: t.partitions.length, configured: wanted.numPartitions },
        'topic exists with a different partition count; left as it is',
      );
    }
    const replicas = t.partitions[0]?.replicas.length;
    if (wanted && replicas !== undefined && replicas !== wanted.replicationFactor) {
      logger.warn(
        { topic: t.name, replicas, configured: wanted.replicationFactor },
        'topic exists with a different replication factor; left as it is',
      );
    }
  }
}

/** Not yet: a broker that has not seen a new topic, or a partition whose leader is being elected. */
const TOPIC_NOT_READY = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/** The topics' metadata once every partition has a leader, for at most `timeoutMs`. */
async function metadataWithLeaders(
  admin: Admin,
  topics: string[],
  timeoutMs = 30000,
): ReturnType<Admin['fetchTopicMetadata']> {
  const deadline = Date.now() + timeoutMs;
  return retryUntilDone(
    async () => {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const leaderless = metadata.topics.filter((t) => t.partitions.some((p) => p.leader < 0)).map((t) => t.name);
      if (leaderless.length) {
        throw Object.assign(new Error(`no leader yet for partitions of ${leaderless.join(', ')}`), {
          type: 'LEADER_NOT_AVAILABLE',
        });
      }
      return metadata;
    },
    {
      initialMs: 100,
      maxMs: 1000,
      isRetryable: (err) => TOPIC_NOT_READY.has((err as { type?: string }).type ?? ''),
      shouldContinue: () => Date.now() < deadline,
    },
  );
}
