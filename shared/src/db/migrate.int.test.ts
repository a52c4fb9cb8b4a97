import { Client } from 'pg';
import { uniqueName } from '../../../test/helpers';
import { silentLogger } from '../../../test/kafka';
import { migrate } from './migrate';
import { MIGRATIONS } from './migrations';
import { createPool } from './pool';

describe('migrate on a real PostgreSQL', () => {
  const name = uniqueName('migrate_test').replace(/-/g, '_');
  const url = new URL(process.env.DATABASE_URL!);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  url.pathname = `/${name}`;

  beforeAll(async () => {
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
  });
  afterAll(async () => {
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  });

  it('when three services start at once on an empty database, then each migration is applied exactly once', async () => {
    const pools = [1, 2, 3].map(() => createPool({ url: url.toString(), poolSize: 2 }, silentLogger));
    try {
      const applied = await Promise.all(pools.map((p) => migrate(p, silentLogger)));
      expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => m.version));
      const { rows } = await pools[0].query('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      // and again later: nothing to do
      expect(await migrate(pools[0], silentLogger)).toEqual([]);
      const tables = await pools[0].query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual([
        'alarms',
        'events',
        'logs',
        'readings',
        'readings_minute',
        'rule_sets',
        'schema_migrations',
        'sensor_metrics',
        'tokens',
      ]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});
