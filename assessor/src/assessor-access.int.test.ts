// README "Access", the assessor's rows, on real PostgreSQL: the tokens API (admin only; a token shown
// once and stored only as its hash; lists without secrets; revocation effective in every instance
// within 10 s), ASSESSOR_AUTH off/on for reads, no token in the URL, requireRole for later writes, the
// admin bootstrap, CORS and the security headers; and no token in any log line or metric.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express, { type Express } from 'express';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import request from 'supertest';
import {
  bootstrapAdminToken,
  createPool,
  createTokenStore,
  errorHandler,
  generateToken,
  type TokenStore,
} from '../../shared/src';
import { testConfig, waitFor } from '../../test/helpers';
import { silentLogger } from '../../test/kafka';
import { capturingLogger } from '../../test/log-capture';
import { createApp } from './app';
import { type AssessorAccess, createAssessorAccess } from './assessor-access';

const run = randomUUID().slice(0, 8);
const name = (tag: string) => `aa-${run}-${tag}`;
const TOKENS = '/api/v1/tokens';
const READS = [
  '/api/v1/sensors',
  '/api/v1/events',
  `/api/v1/sensors/${name('s')}/events`,
  `/api/v1/sensors/${name('s')}/measurements`,
];

describe('assessor access control', () => {
  const config = testConfig();
  const logs = capturingLogger('assessor-access-test');
  let pool: Pool;
  let store: TokenStore;
  const secrets: string[] = [];
  const tokens: Record<string, string> = {};
  const registries: Registry[] = [];

  const make = async (tag: string, role: 'sensor' | 'viewer' | 'operator' | 'admin', sensors?: string[]) => {
    const { token } = await store.create({ name: name(tag), role, sensors });
    secrets.push(token);
    tokens[tag] = token;
    return token;
  };

  function assessor(options: { auth?: 'off' | 'on'; corsOrigins?: string[]; failedChecksPerMinute?: number } = {}): {
    app: Express;
    access: AssessorAccess;
  } {
    const access = createAssessorAccess({ pool, failedChecksPerMinute: 1000, ...options });
    const registry = new Registry();
    registries.push(registry);
    const app = createApp({ config: config.assessor, pool, registry, logger: logs.logger, access });
    return { app, access };
  }

  const as = (token: string | undefined, r: request.Test) =>
    token === undefined ? r : r.set('Authorization', `Bearer ${token}`);

  const expectError = (res: request.Response, status: number, field: string) => {
    expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
      status,
      type: expect.stringMatching(/^application\/json/),
    });
    expect(res.body.result).toBe(false);
    expect(res.body.response).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  };

  beforeAll(async () => {
    pool = createPool({ ...config.postgres, poolSize: 4 }, silentLogger);
    store = createTokenStore(pool);
    await make('admin', 'admin');
    await make('operator', 'operator');
    await make('viewer', 'viewer');
    await make('sensor', 'sensor', ['s-*']);
  });

  afterAll(async () => {
    await pool?.query('DELETE FROM tokens WHERE name LIKE $1', [`aa-${run}-%`]);
    await pool?.end();
  });

  describe('the tokens API', () => {
    it('when an admin creates a token, then the 201 shows it once, and PostgreSQL holds only its SHA-256', async () => {
      const { app } = assessor();
      const res = await as(tokens.admin, request(app).post(TOKENS)).send({
        name: name('gateway'),
        role: 'sensor',
        sensors: ['site-7-*'],
      });
      expect(res.status).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        name: name('gateway'),
        role: 'sensor',
        sensors: ['site-7-*'],
        createdAt: expect.any(String),
        token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
      secrets.push(res.body.token);
      const { rows } = await pool.query('SELECT * FROM tokens WHERE name = $1', [name('gateway')]);
      expect(rows).toHaveLength(1);
      expect(rows[0].hash).toBe(createHash('sha256').update(res.body.token).digest('base64url'));
      expect(JSON.stringify(rows[0])).not.toContain(res.body.token);
      // the new token works at once
      const list = await as(res.body.token, request(app).get(TOKENS));
      expectError(list, 403, 'authorization');
    });

    it('when the tokens are listed, then no secret (nor hash) is in the answer', async () => {
      const { app } = assessor();
      const res = await as(tokens.admin, request(app).get(TOKENS));
      expect(res.status).toBe(200);
      const mine = res.body.tokens.filter((t: { name: string }) => t.name.startsWith(`aa-${run}-`));
      expect(mine.map((t: { name: string }) => t.name)).toEqual(
        expect.arrayContaining([name('admin'), name('operator'), name('viewer'), name('sensor')]),
      );
      for (const t of res.body.tokens) expect(Object.keys(t).sort()).toEqual(['createdAt', 'name', 'role', 'sensors']);
      for (const secret of secrets) expect(JSON.stringify(res.body)).not.toContain(secret);
      expect(JSON.stringify(res.body)).not.toMatch(/hash/);
    });

    it('when anyone but an admin calls it, then 401 without a token, 403 with another role; nothing is created', async () => {
      const { app } = assessor();
      const body = { name: name('intruder'), role: 'admin' };
      const none = await request(app).post(TOKENS).send(body);
      expectError(none, 401, 'authorization');
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      for (const role of ['operator', 'viewer', 'sensor']) {
        expectError(await as(tokens[role], request(app).post(TOKENS)).send(body), 403, 'authorization');
        expectError(await as(tokens[role], request(app).get(TOKENS)), 403, 'authorization');
        expectError(await as(tokens[role], request(app).delete(`${TOKENS}/${name('viewer')}`)), 403, 'authorization');
      }
      expectError(await as('not-a-token-but-long-enough', request(app).get(TOKENS)), 401, 'authorization');
      expect((await pool.query('SELECT 1 FROM tokens WHERE name = $1', [name('intruder')])).rowCount).toBe(0);
    });

    it('when a request is invalid, then 400 naming each field, 409 for a taken name', async () => {
      const { app } = assessor();
      const post = (body: unknown) => as(tokens.admin, request(app).post(TOKENS)).send(body as object);
      expectError(await post({ role: 'viewer' }), 400, 'name');
      expectError(await post({ name: name('x'), role: 'root' }), 400, 'role');
      expectError(await post({ name: name('x'), role: 'sensor' }), 400, 'sensors');
      expectError(await post({ name: name('x'), role: 'viewer', sensors: ['a'] }), 400, 'sensors');
      expectError(await post({ name: name('x'), role: 'viewer', extra: 1 }), 400, 'extra');
      expectError(await post({ name: 'a\u0000b', role: 'viewer' }), 400, 'name');
      expectError(await post([]), 400, 'body');
      const notJson = await as(tokens.admin, request(app).post(TOKENS)).set('Content-Type', 'text/plain').send('x');
      expectError(notJson, 415, 'content-type');
      expectError(await post({ name: name('admin'), role: 'viewer' }), 409, 'name');
      expectError(await as(tokens.admin, request(app).get(`${TOKENS}?limit=1`)), 400, 'limit');
      expectError(await as(tokens.admin, request(app).delete(`${TOKENS}/bad%20name`)), 400, 'name');
      expectError(await as(tokens.admin, request(app).delete(`${TOKENS}/${name('nobody')}`)), 404, 'name');
    });

    it('when a token is revoked, then the revoking instance refuses it at once and every other within 10 s', async () => {
      const token = await make('doomed', 'viewer');
      const first = assessor({ auth: 'on' }).app;
      const second = assessor({ auth: 'on' }).app;
      for (const app of [first, second])
        expect((await as(token, request(app).get('/api/v1/sensors'))).status).toBe(200);
      const del = await as(tokens.admin, request(first).delete(`${TOKENS}/${name('doomed')}`));
      expect(del.status).toBe(204);
      const revokedAt = Date.now();
      expectError(await as(token, request(first).get('/api/v1/sensors')), 401, 'authorization');
      await waitFor(async () => (await as(token, request(second).get('/api/v1/sensors'))).status === 401, {
        timeoutMs: 10_000,
        intervalMs: 250,
        what: 'the other instance to refuse the revoked token',
      });
      expect(Date.now() - revokedAt).toBeLessThan(10_000);
      // the name is free again
      expect(
        (await as(tokens.admin, request(first).post(TOKENS)).send({ name: name('doomed'), role: 'viewer' })).status,
      ).toBe(201);
    });
  });

  describe('reads', () => {
    it('with ASSESSOR_AUTH off (the default), reads need no token, and a stray Authorization header is ignored', async () => {
      const { app } = assessor();
      for (const target of READS) {
        expect((await request(app).get(target)).status).toBe(200);
        expect((await request(app).get(target).set('Authorization', 'Basic dXNlcjpwYXNz')).status).toBe(200);
      }
    });

    it('with ASSESSOR_AUTH on, reads need a viewer, operator or admin token: 401 without, 403 for a sensor token', async () => {
      const { app } = assessor({ auth: 'on' });
      for (const target of READS) {
        expectError(await request(app).get(target), 401, 'authorization');
        expectError(await as('x'.repeat(40), request(app).get(target)), 401, 'authorization');
        expectError(await as(tokens.sensor, request(app).get(target)), 403, 'authorization');
        for (const role of ['viewer', 'operator', 'admin'])
          expect((await as(tokens[role], request(app).get(target))).status).toBe(200);
      }
      // the operational routes stay open, for probes and Prometheus
      for (const target of ['/health', '/metrics', '/openapi.json'])
        expect((await request(app).get(target)).status).toBe(200);
    });

    it.each(['off', 'on'] as const)(
      'with ASSESSOR_AUTH %s, a token in the query string is a 400 naming it',
      async (auth) => {
        const { app } = assessor({ auth });
        for (const target of [
          `/api/v1/sensors?token=${tokens.viewer}`,
          `/api/v1/events?access_token=${tokens.viewer}`,
          `${TOKENS}?token=${tokens.admin}`,
        ]) {
          const res = await as(tokens.admin, request(app).get(target));
          expectError(res, 400, target.includes('access_token') ? 'access_token' : 'token');
          expect(JSON.stringify(res.body)).not.toContain(tokens.viewer);
        }
      },
    );

    it('when an address fails too many token checks, then it gets 429 with Retry-After', async () => {
      const { app } = assessor({ auth: 'on', failedChecksPerMinute: 2 });
      for (let i = 0; i < 2; i++)
        expectError(await as(`${randomUUID()}${i}`, request(app).get('/api/v1/sensors')), 401, 'authorization');
      const res = await as(tokens.viewer, request(app).get('/api/v1/sensors'));
      expectError(res, 429, 'authorization');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    });
  });

  it('requireRole guards a later write route: operator and admin pass, viewer and sensor get 403', async () => {
    const { access } = assessor();
    const app = express();
    app.post('/api/v1/alarms/:id/ack', access.access.requireRole('operator'), (_req, res) => {
      res.json({ ok: true });
    });
    app.use(errorHandler(silentLogger, 1));
    expectError(await request(app).post('/api/v1/alarms/1/ack'), 401, 'authorization');
    for (const role of ['viewer', 'sensor'])
      expectError(await as(tokens[role], request(app).post('/api/v1/alarms/1/ack')), 403, 'authorization');
    for (const role of ['operator', 'admin'])
      expect((await as(tokens[role], request(app).post('/api/v1/alarms/1/ack'))).status).toBe(200);
  });

  describe('browser hygiene', () => {
    it('every answer carries the CSP without inline script, nosniff, no-referrer and no framing', async () => {
      const { app } = assessor();
      for (const target of ['/api/v1/sensors', '/health', '/nowhere', `/?token=${tokens.admin}`]) {
        const res = await request(app).get(target);
        expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
        expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline/);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        expect(res.headers['x-frame-options']).toBe('DENY');
      }
    });

    it('CORS is off by default: no Access-Control header, whatever the origin', async () => {
      const { app } = assessor();
      const res = await request(app).get('/api/v1/sensors').set('Origin', 'https://evil.example');
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
      const preflight = await request(app)
        .options(TOKENS)
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'POST');
      expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    });

    it('ASSESSOR_CORS_ORIGINS allows the named origins only, preflights included', async () => {
      const { app } = assessor({ corsOrigins: ['https://ops.example.com'] });
      const ok = await request(app).get('/api/v1/sensors').set('Origin', 'https://ops.example.com');
      expect(ok.headers['access-control-allow-origin']).toBe('https://ops.example.com');
      expect(ok.headers.vary).toMatch(/Origin/);
      const preflight = await request(app)
        .options(TOKENS)
        .set('Origin', 'https://ops.example.com')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization, content-type');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);
      expect(preflight.headers['access-control-allow-methods']).toMatch(/POST/);
      const other = await request(app).get('/api/v1/sensors').set('Origin', 'https://evil.example');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('the admin bootstrap', () => {
    afterAll(async () => {
      // leave the name `admin` to the services' own bootstrap
      await pool.query("DELETE FROM tokens WHERE name = 'admin'");
    });

    it('when the state folder has no token, then one is generated there with mode 0600, and works as admin', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'metrics-state-'));
      const stateDir = path.join(dir, 'nested');
      const first = await bootstrapAdminToken({ store, stateDir, adminToken: '', logger: logs.logger });
      expect(first.source).toBe('generated');
      const file = path.join(stateDir, 'admin-token');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const token = readFileSync(file, 'utf8').trim();
      secrets.push(token);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const { app } = assessor();
      expect((await as(token, request(app).get(TOKENS))).status).toBe(200);
      // the next start reads the same token; the database row is restored if it was lost
      await pool.query("DELETE FROM tokens WHERE name = 'admin'");
      const again = await bootstrapAdminToken({ store, stateDir, adminToken: '', logger: logs.logger });
      expect(again.source).toBe('file');
      expect(readFileSync(file, 'utf8').trim()).toBe(token);
      expect((await as(token, request(assessor().app).get(TOKENS))).status).toBe(200);
    });

    it('when several instances start at once on one state folder, then they agree on one token', async () => {
      const stateDir = mkdtempSync(path.join(os.tmpdir(), 'metrics-state-'));
      const results = await Promise.all(
        Array.from({ length: 4 }, () => bootstrapAdminToken({ store, stateDir, adminToken: '', logger: logs.logger })),
      );
      expect(results.filter((r) => r.source === 'generated')).toHaveLength(1);
      const token = readFileSync(path.join(stateDir, 'admin-token'), 'utf8').trim();
      secrets.push(token);
      expect((await as(token, request(assessor().app).get(TOKENS))).status).toBe(200);
    });

    it('when the token file is readable by others, then it is made 0600', async () => {
      const stateDir = mkdtempSync(path.join(os.tmpdir(), 'metrics-state-'));
      const token = generateToken();
      secrets.push(token);
      writeFileSync(path.join(stateDir, 'admin-token'), `${token}\n`);
      chmodSync(path.join(stateDir, 'admin-token'), 0o644);
      await bootstrapAdminToken({ store, stateDir, adminToken: '', logger: logs.logger });
      expect(statSync(path.join(stateDir, 'admin-token')).mode & 0o777).toBe(0o600);
    });

    it('when METRICS_ADMIN_TOKEN is set, then it is the admin token and no file is written', async () => {
      const stateDir = mkdtempSync(path.join(os.tmpdir(), 'metrics-state-'));
      const token = generateToken();
      secrets.push(token);
      expect((await bootstrapAdminToken({ store, stateDir, adminToken: token, logger: logs.logger })).source).toBe(
        'environment',
      );
      expect(() => statSync(path.join(stateDir, 'admin-token'))).toThrow();
      const { app } = assessor();
      expect((await as(token, request(app).get(TOKENS))).status).toBe(200);
      // a changed variable replaces the old token at the next start
      const next = generateToken();
      secrets.push(next);
      await bootstrapAdminToken({ store, stateDir, adminToken: next, logger: logs.logger });
      await waitFor(async () => (await as(token, request(app).get(TOKENS))).status === 401, {
        timeoutMs: 10_000,
        intervalMs: 250,
        what: 'the old admin token refused',
      });
      expect((await as(next, request(app).get(TOKENS))).status).toBe(200);
    });
  });

  it('no token is in the logs (at trace level) or in the metrics', async () => {
    const text = logs.text();
    expect(text.length).toBeGreaterThan(0);
    expect(secrets.length).toBeGreaterThan(8);
    for (const secret of secrets) expect(text).not.toContain(secret);
    for (const registry of registries) {
      const metrics = await registry.metrics();
      for (const secret of secrets) expect(metrics).not.toContain(secret);
    }
  });
});
