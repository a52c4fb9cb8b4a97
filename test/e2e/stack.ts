// The whole pipeline for the dashboard's end-to-end tests, as `make run` runs it: receiver, processor,
// saver and assessor as child processes from dist/ (`make build` first, which also builds the
// dashboard the assessor serves), on the real Kafka, PostgreSQL and Redis, with topics, groups and a
// state folder of their own. Their logs go to .run/e2e/<run>/.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import { freePort, repoRoot, type ServiceProcess, serviceEnv, serviceProcess } from '../../bench/src/service-process';
import { type Config, createPool, createTokenStore, type Role } from '../../shared/src';
import { testConfig } from '../helpers';
import { kafkaWithTopics, silentLogger } from '../kafka';

export interface Stack {
  config: Config;
  receiver: string;
  assessor: string;
  pool: Pool;
  runDir: string;
  /** a new token of that role (unique name), straight into the tokens table */
  token(role: Role): Promise<{ name: string; token: string }>;
  /** POST readings to the receiver's batch endpoint; throws unless 200 */
  post(readings: Array<Record<string, unknown>>): Promise<void>;
  stop(): Promise<void>;
}

export const dashboardBuilt = (): boolean => existsSync(path.join(repoRoot, 'dist', 'dashboard', 'index.html'));

/** Whether the built assessor has an API route (features other work adds: the stream, alarms, logs). */
export function assessorHas(route: string): boolean {
  const dir = path.join(repoRoot, 'dist', 'assessor', 'src');
  if (!existsSync(dir)) return false;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .some((f) => readFileSync(path.join(dir, f), 'utf8').includes(route));
}

export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const run = randomUUID().slice(0, 8);
  const runDir = path.join(repoRoot, '.run', 'e2e', `run-${run}`);
  mkdirSync(runDir, { recursive: true });
  const config = testConfig({ KAFKA_ALARMS_TOPIC: `test-${run}.alarms` });
  await kafkaWithTopics(config); // topics up front, so the first readings wait for no creation
  const pool = createPool({ ...config.postgres, poolSize: 2 }, silentLogger);
  const ports = { receiver: await freePort(), assessor: await freePort() };
  const common = serviceEnv(config, {
    KAFKA_ALARMS_TOPIC: config.kafka.alarmsTopic,
    SAVER_FLUSH_MS: '20',
    SAVER_RETRY_MAX_MS: '1000',
    PROCESSOR_RETRY_MAX_MS: '1000',
    RECEIVER_PORT: String(ports.receiver),
    ASSESSOR_PORT: String(ports.assessor),
    METRICS_STATE_DIR: path.join(runDir, 'state'),
    ...env,
  });
  const services: ServiceProcess[] = [
    serviceProcess('receiver', 'receiver', ports.receiver, common, runDir),
    serviceProcess('processor', 'processor', await freePort(), common, runDir),
    serviceProcess('saver', 'saver', await freePort(), common, runDir),
    serviceProcess('assessor', 'assessor', ports.assessor, common, runDir),
  ];
  try {
    await Promise.all(services.map((s) => s.start()));
  } catch (err) {
    await Promise.all(services.map((s) => s.stop()));
    await pool.end();
    throw err;
  }
  const store = createTokenStore(pool);
  const receiver = `http://127.0.0.1:${ports.receiver}`;
  return {
    config,
    receiver,
    assessor: `http://127.0.0.1:${ports.assessor}`,
    pool,
    runDir,
    async token(role) {
      const name = `e2e-${role}-${randomUUID().slice(0, 8)}`;
      const { token } = await store.create({ name, role });
      return { name, token };
    },
    async post(readings) {
      const res = await fetch(`${receiver}/api/v1/measurements`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(readings),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`the receiver answered ${res.status}: ${text}`);
    },
    async stop() {
      await Promise.all(services.map((s) => s.stop()));
      await pool.end();
    },
  };
}
