// Where the integration tests find Kafka, PostgreSQL and Redis, in this order:
//  1. KAFKA_BROKERS / DATABASE_URL / REDIS_URL given in the environment: used as they are;
//  2. a Docker engine answers (checked in well under a second): Testcontainers starts them;
//  3. otherwise the local infrastructure of infra/ (Maven-fetched Kafka broker, the machine's
//     PostgreSQL and Redis), brought up idempotently.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(__dirname, '..');
export const TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/metrics_test';

export interface Infrastructure {
  kafkaBrokers: string;
  databaseUrl: string;
  redisUrl: string;
  source: 'environment' | 'testcontainers' | 'local';
  stop(): Promise<void>;
}

const DOCKER_SOCKETS = [
  '/var/run/docker.sock',
  path.join(os.homedir(), '.docker/run/docker.sock'),
  path.join(os.homedir(), '.docker/desktop/docker.sock'),
  ...(process.env.XDG_RUNTIME_DIR ? [path.join(process.env.XDG_RUNTIME_DIR, 'docker.sock')] : []),
];

/** No socket and no DOCKER_HOST: no engine, decided without a network call. Otherwise ask, for at most 800 ms. */
export async function dockerAvailable(): Promise<boolean> {
  if (!process.env.DOCKER_HOST && !DOCKER_SOCKETS.some((s) => existsSync(s))) return false;
  const { getContainerRuntimeClient } = await import('testcontainers');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), 800);
  });
  const probe = getContainerRuntimeClient().then(
    () => true,
    () => false,
  );
  const answer = await Promise.race([probe, timeout]);
  clearTimeout(timer);
  return answer;
}

export async function provideInfrastructure(): Promise<Infrastructure> {
  const env = process.env;
  if (env.KAFKA_BROKERS && env.DATABASE_URL && env.REDIS_URL) {
    return {
      kafkaBrokers: env.KAFKA_BROKERS,
      databaseUrl: env.DATABASE_URL,
      redisUrl: env.REDIS_URL,
      source: 'environment',
      stop: async () => {},
    };
  }
  if (await dockerAvailable()) return startContainers();
  const databaseUrl = env.DATABASE_URL ?? TEST_DATABASE_URL;
  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const kafkaBrokers = env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const run = (script: string, args: string[], extra: Record<string, string>) =>
    execFileSync(path.join(repo, 'infra', script), args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...env, ...extra },
    });
  run('services.sh', ['up'], { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl });
  if (!env.KAFKA_BROKERS) run('kafka.sh', ['start'], {});
  // The local broker is left running: starting it is the slow part, and `make infra-down` stops it.
  return { kafkaBrokers, databaseUrl, redisUrl, source: 'local', stop: async () => {} };
}

async function startContainers(): Promise<Infrastructure> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const [kafka, postgres, redis] = await Promise.all([
    new GenericContainer('apache/kafka:3.9.1')
      .withExposedPorts({ container: 9092, host: 19092 })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093',
        KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://127.0.0.1:19092',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      })
      .withWaitStrategy(Wait.forLogMessage('Kafka Server started'))
      .start(),
    new GenericContainer('postgres:15-alpine')
      .withExposedPorts(5432)
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'metrics_test' })
      .withWaitStrategy(Wait.forLogMessage(/ready to accept connections/, 2))
      .start(),
    new GenericContainer('redis:7-alpine').withExposedPorts(6379).start(),
  ]);
  return {
    kafkaBrokers: '127.0.0.1:19092',
    databaseUrl: `postgres://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/metrics_test`,
    redisUrl: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
    source: 'testcontainers',
    stop: async () => {
      await Promise.all([kafka.stop(), postgres.stop(), redis.stop()]);
    },
  };
}
