// Jest global setup of the integration project: locate or start the infrastructure once, export it
// to the test workers through the environment, create and migrate the test database.
import { Client } from 'pg';
import { createLogger, createPool, migrate } from '../shared/src';
import { provideInfrastructure } from './infrastructure';

export default async function globalSetup(): Promise<void> {
  const infra = await provideInfrastructure();
  process.env.KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.DATABASE_URL = infra.databaseUrl;
  process.env.REDIS_URL = infra.redisUrl;
  (globalThis as { __METRICS_INFRA__?: unknown }).__METRICS_INFRA__ = infra;

  await createDatabaseIfMissing(infra.databaseUrl);
  const logger = createLogger({ name: 'test-setup', level: 'warn' });
  const pool = createPool({ url: infra.databaseUrl, poolSize: 1 }, logger);
  try {
    await migrate(pool, logger);
  } finally {
    await pool.end();
  }
}

async function createDatabaseIfMissing(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created meanwhile by a parallel run
      });
    }
  } finally {
    await client.end();
  }
}
