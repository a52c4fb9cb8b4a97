// The service processes of the fault and bad-input suites: bench/src/service-process.ts starts and
// kills them; serviceEnv points them at a test configuration.
import type { Config } from '../../shared/src';

export { freePort, type ServiceProcess, serviceProcess } from '../../bench/src/service-process';

/** The environment that points service processes at a test configuration's infrastructure, topics and groups. */
export function serviceEnv(config: Config, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: config.kafka.brokers.join(','),
    DATABASE_URL: config.postgres.url,
    REDIS_URL: config.redis.url,
    LOG_LEVEL: 'info',
    KAFKA_READINGS_TOPIC: config.kafka.readingsTopic,
    KAFKA_EVENTS_TOPIC: config.kafka.eventsTopic,
    KAFKA_DEAD_LETTER_TOPIC: config.kafka.deadLetterTopic,
    KAFKA_PARTITIONS: String(config.kafka.partitions),
    PROCESSOR_GROUP_ID: config.processor.groupId,
    SAVER_GROUP_ID: config.saver.groupId,
    REDIS_KEY_PREFIX: config.redis.keyPrefix,
    PROCESSOR_STATUS_PORT: '0',
    SAVER_STATUS_PORT: '0',
    RECEIVER_HOST: '127.0.0.1',
    ASSESSOR_HOST: '127.0.0.1',
    ...overrides,
  };
}
