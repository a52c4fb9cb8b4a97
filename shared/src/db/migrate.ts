// Applies the migrations that are missing, each recorded in schema_migrations. Safe when several
// services start at once: the whole run holds a transaction-scoped advisory lock, so the others wait
// and then find nothing left to do.
import type { Pool } from 'pg';
import type { Logger } from '../logger';
import { MIGRATIONS, type Migration } from './migrations';
import { withTransaction } from './pool';

const LOCK_KEY = 7_264_001; // any constant shared by all services: "metrics migrations"

export async function migrate(
  pool: Pool,
  logger: Logger,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  const done = await withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const versions: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      versions.push(m.version);
    }
    return versions;
  });
  if (done.length) logger.info({ versions: done }, 'applied database migrations');
  return done;
}
