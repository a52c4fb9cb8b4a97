// A connection that dies while checked out, between two queries (what a PostgreSQL restart does to a
// saver transaction): an ordinary failure of the work, not an unhandled 'error' event crashing the process.
import { silentLogger } from '../../../test/kafka';
import { waitFor } from '../../../test/helpers';
import { createPool, withTransaction } from './pool';

describe('withTransaction on a real PostgreSQL', () => {
  it('when the server ends the connection between two queries, then the work rejects and the pool recovers', async () => {
    const pool = createPool({ url: process.env.DATABASE_URL!, poolSize: 2 }, silentLogger);
    const admin = createPool({ url: process.env.DATABASE_URL!, poolSize: 1 }, silentLogger);
    try {
      const attempt = withTransaction(pool, async (client) => {
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
        // the 'error' event arrives while no query runs on this client
        const socket = (client as unknown as { connection: { stream: { destroyed: boolean } } }).connection.stream;
        await waitFor(() => socket.destroyed, { what: 'the connection to close', timeoutMs: 5000 });
        await client.query('SELECT 1');
      });
      await expect(attempt).rejects.toThrow();
      // the broken client was destroyed: the next transaction gets a working one
      await expect(withTransaction(pool, async (c) => (await c.query('SELECT 1 AS one')).rows[0].one)).resolves.toBe(1);
    } finally {
      await pool.end();
      await admin.end();
    }
  });
});
