// What every bench script does at its end: remove the run's Kafka topics and groups and Redis keys (all
// named `bench-<run>-…`), never throwing (a clean-up that fails is logged, the figures stand), and the
// entry point that turns main()'s result into the exit code.
import type Redis from 'ioredis';
import type { Admin } from 'kafkajs';
import { createKafka, type KafkaConfig, type Logger } from '../../shared/src';

/** Deletes the consumer groups whose id starts with `prefix`; never throws. */
export async function deleteGroups(admin: Admin, prefix: string, logger: Logger): Promise<void> {
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (groups.length) await admin.deleteGroups(groups);
  } catch (err) {
    logger.warn({ err }, 'could not delete the consumer groups');
  }
}

/** Deletes the topics whose name starts with `prefix`; never throws. */
export async function deleteTopics(admin: Admin, prefix: string, logger: Logger): Promise<void> {
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 30_000 });
  } catch (err) {
    logger.warn({ err }, 'could not delete the topics');
  }
}

/** deleteTopics on an admin client of its own, for a script that has none at hand; never throws. */
export async function deleteTopicsOf(
  kafka: KafkaConfig,
  client: string,
  prefix: string,
  logger: Logger,
): Promise<void> {
  const admin = createKafka(kafka, client, logger).admin();
  try {
    await admin.connect();
    await deleteTopics(admin, prefix, logger);
  } catch (err) {
    logger.warn({ err }, 'could not delete the topics');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Deletes the Redis keys that start with `prefix`; never throws. */
export async function deleteRedisKeys(redis: Redis, prefix: string, logger: Logger): Promise<void> {
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch (err) {
    logger.warn({ err }, 'could not delete the Redis keys');
  }
}

/** Runs a bench script's main(): its result is the exit code; a failure is printed with `name` and exits 1. */
export function runBenchScript(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
