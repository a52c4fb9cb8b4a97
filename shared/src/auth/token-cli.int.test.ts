// `make token` against the real PostgreSQL of the tests: the token alone on stdout, stored as its hash,
// listed without it, revoked; a taken name or bad arguments fail with a message on stderr.
import { randomUUID } from 'node:crypto';
import { createPool } from '../db/pool';
import { createLogger } from '../logger';
import { main } from './token-cli';
import { hashToken } from './tokens';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  try {
    return { code: await main(argv), out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('make token', () => {
  const name = `cli-${randomUUID().slice(0, 8)}`;
  const pool = createPool(
    { url: process.env.DATABASE_URL!, poolSize: 1 },
    createLogger({ name: 't', level: 'silent' }),
  );
  afterAll(async () => {
    await pool.query('DELETE FROM tokens WHERE name = $1', [name]);
    await pool.end();
  });

  it('creates a token, shown once on stdout and stored as its hash; lists it without it; revokes it', async () => {
    const created = await cli('--name', name, '--role', 'sensor', '--sensors', 'site-7-*');
    expect(created.code).toBe(0);
    const token = created.out.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.err).toContain('shown this once');
    const { rows } = await pool.query('SELECT hash, role, sensors FROM tokens WHERE name = $1', [name]);
    expect(rows).toEqual([{ hash: hashToken(token), role: 'sensor', sensors: ['site-7-*'] }]);

    const taken = await cli('--name', name, '--role', 'viewer');
    expect(taken.code).toBe(1);
    expect(taken.err).toContain('exists');

    const list = await cli('--list');
    expect(list.out).toContain(`${name}\tsensor\tsite-7-*`);
    expect(list.out).not.toContain(token);

    expect((await cli('--revoke', name)).code).toBe(0);
    expect((await pool.query('SELECT 1 FROM tokens WHERE name = $1', [name])).rowCount).toBe(0);
    expect((await cli('--revoke', name)).code).toBe(1);
  });

  it('refuses bad arguments with the usage, exit 2', async () => {
    const bad = await cli('--name', name, '--role', 'root');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('Usage');
    expect(bad.out).toBe('');
  });
});
