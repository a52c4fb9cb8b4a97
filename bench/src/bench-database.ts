// The bench's own database on the same PostgreSQL server: created when missing, migrated with the
// services' migrations, its tables emptied at the start of every run (the database itself is kept).
import { Client } from 'pg';
import { createPool, type Logger, migrate } from '../../shared/src';

export const BENCH_DATABASE = 'metrics_bench';

/** The URL of `database` on the server of `url`. Pure. */
export function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function prepareBenchDatabase(serverUrl: string, logger: Logger): Promise<string> {
  const url = databaseUrl(serverUrl, BENCH_DATABASE);
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [BENCH_DATABASE]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${BENCH_DATABASE}`);
  } finally {
    await admin.end();
  }
  const pool = createPool({ url, poolSize: 1 }, logger);
  try {
    await migrate(pool, logger);
    await pool.query('TRUNCATE readings, readings_minute, events, sensor_metrics');
  } finally {
    await pool.end();
  }
  return url;
}
