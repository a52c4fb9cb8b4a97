// The clients the tests share during one run, built from the services file. Nothing connects until a
// test uses it, and each client gives up quickly when its server is not there.
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { Pool, type QueryResultRow } from 'pg';
import { eventCodec, type Logger, readingCodec, sensorStateKey } from '../../shared/src';
import { connectionErrorCode, DependencyError } from './dependency-error';
import { createHttpService, createReceiverService } from './http-service';
import type { TesterConfig } from './services-config';
import type { TestContext } from './test-definition';
import { createTopicReader } from './topic-reader';
import { waitForEqual, waitUntil } from './wait-for';

const HTTP_TIMEOUT_MS = 15000;
const CONNECT_TIMEOUT_MS = 3000;

/** PostgreSQL errors no wait can fix: unknown database/table/column, authentication, syntax. */
const PG_FATAL_SQLSTATE = /^(28|3D|42)/;

export interface OpenContext {
  ctx: TestContext;
  /** runs the deferred cleanups (newest first), then closes the clients; the cleanups that failed, by what */
  close(): Promise<string[]>;
}

export function createContext(config: TesterConfig, logger: Logger): OpenContext {
  const kafka = new Kafka({
    clientId: 'metrics-tester',
    brokers: config.kafka.brokers,
    connectionTimeout: CONNECT_TIMEOUT_MS,
    requestTimeout: 10000,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1000 },
    logLevel: logLevel.WARN,
    // The tester reports failures itself; kafkajs's own complaints are for --debug only.
    logCreator: () => (entry) => logger.debug({ module: 'kafkajs', ...entry.log }, entry.log.message),
  });

  const pgWhere = `PostgreSQL at ${config.postgres.host}:${config.postgres.port}/${config.postgres.database}`;
  const pg = new Pool({
    host: config.postgres.host,
    port: config.postgres.port,
    user: config.postgres.user,
    password: config.postgres.password || undefined,
    database: config.postgres.database,
    max: 4,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  pg.on('error', (err) => logger.debug({ err }, 'idle PostgreSQL connection failed'));

  const query = async <R extends QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> => {
    try {
      return (await pg.query<R>(sql, params)).rows;
    } catch (err) {
      const e = err as Error & { code?: string };
      const code = connectionErrorCode(err);
      if (code || /timeout exceeded when trying to connect|Connection terminated/i.test(e.message)) {
        throw new DependencyError(`${pgWhere} does not answer (${code ?? e.message})`);
      }
      if (e.code && PG_FATAL_SQLSTATE.test(e.code)) throw new DependencyError(`${pgWhere}: ${e.message}`);
      throw new Error(`${pgWhere}: query failed: ${e.message}`);
    }
  };

  const redisWhere = `Redis at ${config.redis.host}:${config.redis.port}`;
  const redis = new Redis({
    host: config.redis.host,
    port: config.redis.port,
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    // no reconnection loop: a failed connection fails the command; the next command connects again
    retryStrategy: () => null,
  });
  // ioredis rejects a failed connect with "Connection is closed."; the cause comes with the 'error' event
  let lastRedisError: unknown;
  redis.on('error', (err) => {
    lastRedisError = err;
    logger.debug({ err: err.message }, 'Redis connection error');
  });
  let connecting: Promise<void> | undefined;
  const redisReady = (): Promise<void> => {
    if (redis.status === 'ready') return Promise.resolve();
    connecting ??= redis.connect().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };
  // The processor's state of a sensor lives under its readings partition (shared/src/redis-keys.ts):
  // the key needs the topic's partition count, read from Kafka once.
  let partitions: Promise<number> | undefined;
  const readingsPartitions = (): Promise<number> => {
    partitions ??= (async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: [config.kafka.topics.readings] });
        return topics[0].partitions.length;
      } finally {
        await admin.disconnect();
      }
    })().catch((err) => {
      partitions = undefined;
      throw new DependencyError(
        `Kafka at ${config.kafka.brokers.join(',')}: no partitions of ${config.kafka.topics.readings} (${(err as Error).message})`,
      );
    });
    return partitions;
  };
  const warningsKey = async (sensorId: string): Promise<string> =>
    sensorStateKey(config.redis.keyPrefix, config.kafka.topics.readings, await readingsPartitions(), sensorId);
  const warningCounters = async (sensorId: string): Promise<Record<string, string>> => {
    const key = await warningsKey(sensorId);
    try {
      await redisReady();
      const hash = await redis.hgetall(key);
      // a rule's counter is the field named after the rule (the metric, today); other state of a rule is
      // `<rule>:<what>` and is left out
      return Object.fromEntries(Object.entries(hash).filter(([field]) => !field.includes(':')));
    } catch (err) {
      const code = connectionErrorCode(err) ?? connectionErrorCode(lastRedisError);
      throw new DependencyError(`${redisWhere} does not answer (${code ?? (err as Error).message})`);
    }
  };

  const cleanups: Array<{ what: string; cleanup: () => Promise<void> }> = [];
  let closing: Promise<string[]> | undefined;

  const { receiver, assessor } = config;
  const ctx: TestContext = {
    config,
    logger,
    receiver: createReceiverService(`http://${receiver.host}:${receiver.port}`, HTTP_TIMEOUT_MS),
    assessor: createHttpService('assessor', `http://${assessor.host}:${assessor.port}`, HTTP_TIMEOUT_MS),
    readings: createTopicReader(kafka, config.kafka.topics.readings, readingCodec.decode, config.kafka.brokers),
    events: createTopicReader(kafka, config.kafka.topics.events, eventCodec.decode, config.kafka.brokers),
    redis,
    pg,
    query,
    warningCounters,
    warningsKey,
    waitUntil: (read, accept, what) => waitUntil(read, accept, { what, timeoutMs: config.timeoutMs }),
    waitForEqual: (read, expected, what) => waitForEqual(read, expected, { what, timeoutMs: config.timeoutMs }),
    defer: (what, cleanup) => {
      cleanups.push({ what, cleanup });
    },
  };

  return {
    ctx,
    // once, whoever asks first (the end of the run or Ctrl-C)
    close: () =>
      (closing ??= (async () => {
        const failed: string[] = [];
        for (const { what, cleanup } of cleanups.splice(0).reverse()) {
          try {
            await cleanup();
          } catch (err) {
            failed.push(`${what}: ${(err as Error).message ?? String(err)}`);
          }
        }
        redis.disconnect();
        await pg.end().catch(() => undefined);
        return failed;
      })()),
  };
}
