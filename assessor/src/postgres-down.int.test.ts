// The assessor when PostgreSQL cannot be reached: a pool on a port where nothing listens. Every query
// endpoint answers 503 with Retry-After in the JSON error shape, /ready says DOWN, /health stays UP.
import type { Express } from 'express';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import request from 'supertest';
import { createLogger, createPool } from '../../shared/src';
import { testConfig } from '../../test/helpers';
import { createApp } from './app';

const config = testConfig();
const logger = createLogger({ name: 'assessor-test', level: config.log.level });
let pool: Pool;
let app: Express;

beforeAll(() => {
  pool = createPool({ url: 'postgres://postgres@127.0.0.1:1/metrics', poolSize: 2 }, logger, {
    connectionTimeoutMillis: 2000,
    statement_timeout: config.assessor.queryTimeoutMs,
  });
  app = createApp({ config: config.assessor, pool, registry: new Registry(), logger });
});

afterAll(async () => {
  await pool.end();
});

describe('assessor with PostgreSQL unreachable', () => {
  it.each([
    '/api/v1/sensors/s-1/events',
    '/api/v1/sensors/s-1/measurements',
    '/api/v1/sensors/s-1/statistics?metric=temperature&from=2026-11-22T10:00:30Z&to=2026-11-22T12:00:00Z&bucket=hour',
    '/api/v1/sensors/s-1/readings',
    '/api/v1/sensors',
    '/api/v1/events',
  ])('when GET %s, then 503 with Retry-After in the JSON error shape', async (path) => {
    const res = await request(app).get(path);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toEqual({ result: false, response: [{ field: 'service', message: expect.any(String) }] });
  });

  it('when parameters are invalid, then 400 still comes first (nothing is asked of PostgreSQL)', async () => {
    const res = await request(app).get('/api/v1/sensors/s-1/events?limit=0');
    expect(res.status).toBe(400);
  });

  it('when /ready and /health are asked, then ready is 503 DOWN and health 200 UP', async () => {
    const ready = await request(app).get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'DOWN', checks: { postgres: 'DOWN' } });
    expect((await request(app).get('/health')).status).toBe(200);
  });
});
