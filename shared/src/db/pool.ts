// PostgreSQL pool. Errors of idle clients (a server restart) are logged, not thrown: pg would crash
// the process on an unhandled 'error' event, and the next query gets a fresh connection anyway.
import { Pool, type PoolClient, type PoolConfig } from 'pg';
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

/**
 * Runs `work` on a client checked out of the pool. pg emits 'error' on a checked-out client whose
 * connection dies between two queries (a server restart), and the pool no longer listens then: an
 * unhandled 'error' event would crash the process. The listener here keeps it an ordinary failure
 * (the next query rejects), and a client that failed is destroyed instead of going back to the pool.
 */
export async function withClient<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failed: Error | undefined;
  const onError = (err: Error) => {
    failed ??= err;
  };
  client.on('error', onError);
  try {
    return await work(client);
  } catch (err) {
    failed ??= err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.off('error', onError);
    client.release(failed);
  }
}

/** `work` inside BEGIN … COMMIT on one client (ROLLBACK when it throws), with withClient's safety. */
export function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}
