// PostgreSQL pool. Errors of idle clients (a server restart) are logged, not thrown: pg would crash
// the process on an unhandled 'error' event, and the next query gets a fresh connection anyway.
import { Pool, type PoolConfig } from 'pg';
import type { Logger } from '../logger';

export function createPool(
  config: { url: string; poolSize: number },
  logger: Logger,
  options: Partial<PoolConfig> = {},
): Pool {
  const pool = new Pool({
    connectionString: config.url,
    max: config.poolSize,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    ...options,
  });
  pool.on('error', (err) => logger.warn({ err }, 'idle PostgreSQL connection failed'));
  return pool;
}
