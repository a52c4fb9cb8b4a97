// Shared helpers of the integration tests: unique names, a configuration on the test
// infrastructure with its own topics and groups, and waiting for a condition without fixed sleeps.
import { randomUUID } from 'node:crypto';
import { type Config, loadConfig } from '../shared/src';

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A configuration on the test infrastructure with fresh topic and group names, so test files don't share state. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const id = randomUUID().slice(0, 8);
  return loadConfig({
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    KAFKA_READINGS_TOPIC: `test-${id}.readings`,
    KAFKA_EVENTS_TOPIC: `test-${id}.events`,
    KAFKA_ALARMS_TOPIC: `test-${id}.alarms`,
    KAFKA_RULES_TOPIC: `test-${id}.rules`,
    KAFKA_LOGS_TOPIC: `test-${id}.logs`,
    KAFKA_DEAD_LETTER_TOPIC: `test-${id}.dead-letter`,
    KAFKA_PARTITIONS: '3',
    PROCESSOR_GROUP_ID: `test-${id}-processor`,
    SAVER_GROUP_ID: `test-${id}-saver`,
    NOTIFIER_GROUP_ID: `test-${id}-notifier`,
    REDIS_KEY_PREFIX: `test-${id}:`,
    PROCESSOR_STATUS_PORT: '0',
    SAVER_STATUS_PORT: '0',
    NOTIFIER_STATUS_PORT: '0',
    RECEIVER_PORT: '0',
    ASSESSOR_PORT: '0',
    SAVER_FLUSH_MS: '50',
    // outage tests wait for retries: keep the backoff short
    SAVER_RETRY_MAX_MS: '500',
    PROCESSOR_RETRY_MAX_MS: '500',
    ...overrides,
  });
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const { timeoutMs = 20000, intervalMs = 100, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
