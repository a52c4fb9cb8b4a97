// The dashboard at `/`: its page and assets from the build folder, with the security headers of every
// answer; unknown paths keep their JSON 404 (views are in the URL's hash, no fallback route); a
// missing build says how to make it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import pino from 'pino';
import { Registry } from 'prom-client';
import request from 'supertest';
import { loadConfig } from '../../shared/src';
import { createApp } from './app';
import { defaultDashboardDir } from './dashboard-static';
import type { Repository } from './repository';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function build(dashboardDir: string) {
  return createApp({
    config: loadConfig({}).assessor,
    pool: { query: async () => ({ rows: [] }) } as unknown as Pool,
    repository: {} as Repository,
    registry: new Registry(),
    logger: pino({ level: 'silent' }),
    dashboardDir,
  });
}

function builtDashboard(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dashboard-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><script type="module" src="./assets/index-abc.js"></script>',
  );
  writeFileSync(path.join(dir, 'assets', 'index-abc.js'), 'export {};');
  return dir;
}

describe('the dashboard at /', () => {
  it('when built, then / is its page, revalidated each time, under the Content-Security-Policy', async () => {
    const res = await request(build(builtDashboard())).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('./assets/index-abc.js');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('when built, then its hashed assets are cached for good', async () => {
    const res = await request(build(builtDashboard())).get('/assets/index-abc.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('when a path is neither a file nor a route, then it is the JSON 404 of every unknown route', async () => {
    const app = build(builtDashboard());
    for (const target of ['/sensors/s-1', '/api/v1/nope', '/assets/missing.js']) {
      const res = await request(app).get(target);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.result).toBe(false);
    }
  });

  it('when not built, then / says how to build it', async () => {
    const res = await request(build(path.join(tmpdir(), 'no-such-dashboard'))).get('/');
    expect(res.status).toBe(404);
    expect(res.text).toContain('make build');
  });

  it('defaults to dist/dashboard of the checkout', () => {
    expect(defaultDashboardDir()).toBe(path.resolve(__dirname, '..', '..', 'dist', 'dashboard'));
  });
});
