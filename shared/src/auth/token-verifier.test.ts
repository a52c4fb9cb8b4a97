import type { TokenInfo } from './token-store';
import { createTokenVerifier } from './token-verifier';
import { hashToken } from './tokens';

const TOKEN = 'a-token-of-more-than-22-characters';

function fakeStore(rows: Array<TokenInfo & { token: string }>) {
  let queries = 0;
  return {
    get queries() {
      return queries;
    },
    rows,
    async findByHash(hash: string) {
      queries += 1;
      await new Promise((r) => setImmediate(r));
      const row = rows.find((r) => hashToken(r.token) === hash);
      return row ? { ...row, hash } : undefined;
    },
  };
}

const info = (name: string, role: TokenInfo['role'], sensors: string[] = []) => ({
  name,
  role,
  sensors,
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('token verifier', () => {
  it('when a token is checked repeatedly, then PostgreSQL is asked once per time to live, and once for concurrent checks', async () => {
    let now = 0;
    const store = fakeStore([{ ...info('gw', 'sensor', ['site-7-*']), token: TOKEN }]);
    const verifier = createTokenVerifier({ store, ttlMs: 5000, now: () => now });
    const [a, b] = await Promise.all([verifier.verify(TOKEN), verifier.verify(TOKEN)]);
    expect(a?.name).toBe('gw');
    expect(b?.name).toBe('gw');
    expect(store.queries).toBe(1);
    now = 4999;
    await verifier.verify(TOKEN);
    expect(store.queries).toBe(1);
    now = 5000;
    await verifier.verify(TOKEN);
    expect(store.queries).toBe(2);
  });

  it('when a token is revoked, then it is refused once its cached entry expired', async () => {
    let now = 0;
    const store = fakeStore([{ ...info('v', 'viewer'), token: TOKEN }]);
    const verifier = createTokenVerifier({ store, ttlMs: 5000, now: () => now });
    expect(await verifier.verify(TOKEN)).toBeDefined();
    store.rows.length = 0;
    expect(await verifier.verify(TOKEN)).toBeDefined();
    now = 5000;
    expect(await verifier.verify(TOKEN)).toBeUndefined();
  });

  it('when forgotten by name, then the next check asks again', async () => {
    const store = fakeStore([{ ...info('v', 'viewer'), token: TOKEN }]);
    const verifier = createTokenVerifier({ store });
    await verifier.verify(TOKEN);
    store.rows.length = 0;
    verifier.forget('v');
    expect(await verifier.verify(TOKEN)).toBeUndefined();
  });

  it('a sensor token covers its patterns; other roles cover no sensor', async () => {
    const store = fakeStore([
      { ...info('gw', 'sensor', ['site-7-*']), token: TOKEN },
      { ...info('adm', 'admin'), token: `${TOKEN}-admin` },
    ]);
    const verifier = createTokenVerifier({ store });
    const gw = await verifier.verify(TOKEN);
    expect(gw?.covers('site-7-1')).toBe(true);
    expect(gw?.covers('site-8-1')).toBe(false);
    expect((await verifier.verify(`${TOKEN}-admin`))?.covers('site-7-1')).toBe(false);
  });

  it('when PostgreSQL fails, then the check rejects (the caller answers 503) and the next one asks again', async () => {
    let fail = true;
    let queries = 0;
    const verifier = createTokenVerifier({
      store: {
        async findByHash(hash) {
          queries += 1;
          if (fail) throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
          return { ...info('v', 'viewer'), hash };
        },
      },
    });
    await expect(verifier.verify(TOKEN)).rejects.toThrow('down');
    fail = false;
    expect((await verifier.verify(TOKEN))?.name).toBe('v');
    expect(queries).toBe(2);
  });
});
