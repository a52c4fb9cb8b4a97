// README "Access", the receiver's rows, on real PostgreSQL (tokens), Redis (rate limits) and Kafka:
// with the defaults anyone posts; with RECEIVER_AUTH=on a sensor token covering every sensor of the
// request is needed (401 / 403), a token in the URL is a 400, failed checks are braked per address,
// RECEIVER_SENSOR_RATE_LIMIT refuses with 429 and Retry-After; a refused request publishes nothing,
// and no token reaches a log line or a metric.
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import type Redis from 'ioredis';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import request from 'supertest';
import {
  createAccess,
  createFailedCheckLimiter,
  createPool,
  createProducer,
  createRedis,
  createTokenStore,
  createTokenVerifier,
  type Logger,
  readingCodec,
  type TokenStore,
} from '../../shared/src';
import { testConfig, waitFor } from '../../test/helpers';
import { kafkaWithTopics, readTopic, silentLogger } from '../../test/kafka';
import { capturingLogger } from '../../test/log-capture';
import { startTcpProxy } from '../../test/tcp-proxy';
import { createApp } from './app';
import { createKafkaPublisher } from './kafka-publisher';
import { createReceiverAccess } from './receiver-access';
import { createReceiverMetrics } from './receiver-metrics';
import { createSensorRateLimiter } from './sensor-rate-limit';

const run = randomUUID().slice(0, 8);
const sensor = (tag: string) => `ra-${run}-${tag}`;
const BATCH = '/api/v1/measurements';
const compat = (sensorId: string) => `/api/v1/sensors/${sensorId}/measurements`;

describe('receiver access control', () => {
  const config = testConfig();
  const logs = capturingLogger('receiver-access-test');
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  let redis: Redis;
  let store: TokenStore;
  const secrets: string[] = [];
  const tokens: Record<string, string> = {};

  const make = async (name: string, role: 'sensor' | 'viewer' | 'admin', sensors?: string[]) => {
    const { token } = await store.create({ name: `ra-${run}-${name}`, role, sensors });
    secrets.push(token);
    tokens[name] = token;
    return token;
  };

  function receiver(
    options: {
      auth?: 'off' | 'on';
      failedPerMinute?: number;
      rate?: { perSecond: number; burst: number; redis?: Redis };
      logger?: Logger;
    } = {},
  ): { app: Express; registry: Registry } {
    const registry = new Registry();
    const metrics = createReceiverMetrics(registry, () => 0);
    const publisher = createKafkaPublisher({
      producer,
      topic: config.kafka.readingsTopic,
      lingerMs: 1,
      maxBatch: 1000,
      maxInFlight: 100_000,
      timeoutMs: 10_000,
      metrics,
    });
    const access = createReceiverAccess({
      auth: options.auth ?? 'on',
      access: createAccess({
        verifier: createTokenVerifier({ store }),
        limiter: createFailedCheckLimiter({ perMinute: options.failedPerMinute ?? 1000 }),
      }),
      rateLimiter: options.rate
        ? createSensorRateLimiter({
            redis: options.rate.redis ?? redis,
            keyPrefix: `${config.redis.keyPrefix}${run}:`,
            perSecond: options.rate.perSecond,
            burst: options.rate.burst,
          })
        : undefined,
    });
    const app = createApp({
      config: config.receiver,
      publish: (r) => publisher.publishReadings(r),
      checks: {},
      registry,
      metrics,
      logger: options.logger ?? logs.logger,
      access,
    });
    return { app, registry };
  }

  const post = (app: Express, path: string, body: unknown, token?: string) => {
    const r = request(app).post(path).set('Content-Type', 'application/json');
    if (token !== undefined) r.set('Authorization', `Bearer ${token}`);
    return r.send(JSON.stringify(body));
  };

  const expectError = (res: request.Response, status: number, field: string) => {
    expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
      status,
      type: expect.stringMatching(/^application\/json/),
    });
    expect(res.body.result).toBe(false);
    expect(res.body.response).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  };

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
    pool = createPool({ ...config.postgres, poolSize: 4 }, silentLogger);
    store = createTokenStore(pool);
    redis = createRedis(config.redis.url, silentLogger);
    await redis.connect();
    await make('gw', 'sensor', [sensor('gw-*')]);
    await make('one', 'sensor', [sensor('single')]);
    await make('viewer', 'viewer');
    await make('admin', 'admin');
  });

  afterAll(async () => {
    await pool?.query('DELETE FROM tokens WHERE name LIKE $1', [`ra-${run}-%`]);
    const keys = await redis?.keys(`${config.redis.keyPrefix}${run}:*`);
    if (keys?.length) await redis.del(...keys);
    redis?.disconnect();
    await pool?.end();
    await producer?.disconnect();
  });

  it('with RECEIVER_AUTH off (the default), a sensor posts without a token, as in the original', async () => {
    const { app } = receiver({ auth: 'off' });
    const res = await post(app, compat(sensor('open-1')), { temperature: 21 });
    expect(res.body).toEqual({ result: true, response: 'OK' });
    // even a token of any kind is ignored then (compat: a proxy may add one)
    const odd = await request(app)
      .post(compat(sensor('open-2')))
      .set('Authorization', 'Basic dXNlcjpwYXNz')
      .send({ temperature: 21 });
    expect(odd.status).toBe(200);
  });

  it.each(['off', 'on'] as const)(
    'with RECEIVER_AUTH %s, a token in the query string is a 400 naming it, and nothing is written',
    async (auth) => {
      const { app } = receiver({ auth });
      for (const name of ['token', 'access_token', 'Token']) {
        const res = await post(app, `${compat(sensor('bad-query'))}?${name}=${tokens.one}`, { temperature: 1 });
        expectError(res, 400, name);
        expect(JSON.stringify(res.body)).not.toContain(tokens.one);
      }
    },
  );

  it('with RECEIVER_AUTH on, no token, a malformed or an unknown one is a 401 with WWW-Authenticate, and nothing is written', async () => {
    const { app } = receiver();
    const none = await post(app, compat(sensor('bad-none')), { temperature: 1 });
    expectError(none, 401, 'authorization');
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    for (const header of [
      'Bearer',
      'Bearer short',
      `Basic ${Buffer.from('u:p').toString('base64')}`,
      tokens.gw, // no scheme
      `Bearer ${tokens.gw} extra`,
      `Bearer ${'x'.repeat(600)}`,
      `Bearer ${randomUUID()}${randomUUID()}`, // well-formed, unknown
    ]) {
      const res = await request(app)
        .post(compat(sensor('gw-bad-header')))
        .set('Content-Type', 'application/json')
        .set('Authorization', header)
        .send('{"temperature": 1}');
      expectError(res, 401, 'authorization');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    const batch = await post(app, BATCH, [{ sensorId: sensor('bad-batch'), temperature: 1 }], 'x'.repeat(30));
    expectError(batch, 401, 'authorization');
  });

  it('with RECEIVER_AUTH on, a sensor token posts for its patterns, compat and batch; a sensor outside them is a 403 naming it, and nothing is written', async () => {
    const { app } = receiver();
    expect((await post(app, compat(sensor('gw-1')), { temperature: 20 }, tokens.gw)).body).toEqual({
      result: true,
      response: 'OK',
    });
    const batch = await post(
      app,
      BATCH,
      [
        { sensorId: sensor('gw-2'), temperature: 20, humidity: 40 },
        { sensorId: sensor('gw-3'), temperature: 20 },
      ],
      tokens.gw,
    );
    expect(batch.body).toEqual({ result: true, response: { accepted: 3 } });

    const outside = await post(app, compat(sensor('bad-other')), { temperature: 20 }, tokens.gw);
    expectError(outside, 403, 'sensorId');
    expect(outside.body.response[0].message).toContain(sensor('bad-other'));

    // one sensor outside the patterns: the whole batch is refused, every such sensor named
    const mixed = await post(
      app,
      BATCH,
      [
        { sensorId: sensor('gw-4'), temperature: 20 },
        { sensorId: sensor('bad-mixed-a'), temperature: 20 },
        { sensorId: sensor('bad-mixed-b'), temperature: 20 },
      ],
      tokens.gw,
    );
    expectError(mixed, 403, 'sensorId');
    expect(mixed.body.response.map((d: { message: string }) => d.message).join(' ')).toMatch(
      new RegExp(`${sensor('bad-mixed-a')}.*${sensor('bad-mixed-b')}`),
    );
    // the exact-id token covers only its sensor
    expectError(await post(app, compat(sensor('bad-single-x')), { temperature: 1 }, tokens.one), 403, 'sensorId');
    expect((await post(app, compat(sensor('single')), { temperature: 1 }, tokens.one)).status).toBe(200);
  });

  it('with RECEIVER_AUTH on, a viewer or admin token may not post (403): posting needs a sensor token', async () => {
    const { app } = receiver();
    expectError(await post(app, compat(sensor('bad-viewer')), { temperature: 1 }, tokens.viewer), 403, 'authorization');
    expectError(await post(app, BATCH, [{ sensorId: sensor('bad-admin'), t: 1 }], tokens.admin), 403, 'authorization');
  });

  it('with RECEIVER_AUTH on, invalid bodies are still a 400 for a good token, and a 401 (body unread) without one', async () => {
    const { app } = receiver();
    expectError(await post(app, compat(sensor('gw-x')), { temperature: 'hot' }, tokens.gw), 400, 'temperature');
    const unread = await request(app)
      .post(compat(sensor('gw-x')))
      .set('Content-Type', 'application/json')
      .send('{not json');
    expectError(unread, 401, 'authorization');
  });

  it('when a token is revoked, then every receiver instance refuses it within 10 s', async () => {
    const token = await make('revoked', 'sensor', [sensor('gw-*')]);
    const instances = [receiver().app, receiver().app];
    for (const app of instances)
      expect((await post(app, compat(sensor('gw-r')), { temperature: 1 }, token)).status).toBe(200);
    expect(await store.revoke(`ra-${run}-revoked`)).toBe(true);
    const revokedAt = Date.now();
    await Promise.all(
      instances.map((app) =>
        waitFor(async () => (await post(app, compat(sensor('gw-r')), { temperature: 1 }, token)).status === 401, {
          timeoutMs: 10_000,
          intervalMs: 250,
          what: 'the revoked token refused',
        }),
      ),
    );
    expect(Date.now() - revokedAt).toBeLessThan(10_000);
  });

  it('when an address fails too many token checks, then its requests get 429 with Retry-After, even with a good token', async () => {
    const { app } = receiver({ failedPerMinute: 3 });
    for (let i = 0; i < 3; i++) {
      expectError(
        await post(app, compat(sensor('gw-guess')), { temperature: 1 }, `${randomUUID()}${i}`),
        401,
        'authorization',
      );
    }
    const guess = await post(app, compat(sensor('gw-guess')), { temperature: 1 }, `${randomUUID()}x`);
    expectError(guess, 429, 'authorization');
    expect(Number(guess.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expectError(await post(app, compat(sensor('gw-guess')), { temperature: 1 }, tokens.gw), 429, 'authorization');
    // a request without any token is not a guess: it gets its 401
    expectError(await post(app, compat(sensor('gw-guess')), { temperature: 1 }), 401, 'authorization');
  });

  describe('RECEIVER_SENSOR_RATE_LIMIT (token bucket in Redis)', () => {
    it('when a sensor posts past its burst, then it gets 429 with Retry-After, and other sensors are unaffected', async () => {
      const { app } = receiver({ auth: 'off', rate: { perSecond: 0.2, burst: 3 } });
      for (let i = 0; i < 3; i++)
        expect((await post(app, compat(sensor('rate-a')), { temperature: i })).status).toBe(200);
      const over = await post(app, compat(sensor('rate-a')), { temperature: 9 });
      expectError(over, 429, 'sensorId');
      expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await post(app, compat(sensor('rate-b')), { temperature: 1 })).status).toBe(200);
    });

    it('when a batch holds one sensor over its rate, then nothing is written and the other sensors keep their budget', async () => {
      const { app } = receiver({ auth: 'off', rate: { perSecond: 0.2, burst: 2 } });
      expect((await post(app, BATCH, [{ sensorId: sensor('rate-full'), t: 1, u: 2 }])).status).toBe(200);
      const refused = await post(app, BATCH, [
        { sensorId: sensor('rate-c'), t: 1, u: 2 },
        { sensorId: sensor('rate-full'), t: 1 },
      ]);
      expectError(refused, 429, 'sensorId');
      expect(refused.body.response).toHaveLength(1);
      // rate-c got its two readings back: a request using its whole burst passes
      expect((await post(app, BATCH, [{ sensorId: sensor('rate-c'), t: 1, u: 2 }])).status).toBe(200);
    });

    it('when one request holds more readings for a sensor than its whole bucket, then the 429 says so', async () => {
      const { app } = receiver({ auth: 'off', rate: { perSecond: 1, burst: 2 } });
      const res = await post(app, compat(sensor('rate-big')), { a: 1, b: 2, c: 3 });
      expectError(res, 429, 'sensorId');
      expect(res.body.response[0].message).toMatch(/more than its burst of 2/);
    });

    it('when receivers share Redis, then they share each sensor bucket', async () => {
      const first = receiver({ auth: 'off', rate: { perSecond: 0.2, burst: 2 } }).app;
      const second = receiver({ auth: 'off', rate: { perSecond: 0.2, burst: 2 } }).app;
      expect((await post(first, compat(sensor('rate-shared')), { temperature: 1 })).status).toBe(200);
      expect((await post(second, compat(sensor('rate-shared')), { temperature: 1 })).status).toBe(200);
      expect((await post(first, compat(sensor('rate-shared')), { temperature: 1 })).status).toBe(429);
      expect((await post(second, compat(sensor('rate-shared')), { temperature: 1 })).status).toBe(429);
    });

    it('when the bucket refills, then the sensor may post again', async () => {
      const { app } = receiver({ auth: 'off', rate: { perSecond: 20, burst: 1 } });
      expect((await post(app, compat(sensor('rate-refill')), { temperature: 1 })).status).toBe(200);
      await waitFor(async () => (await post(app, compat(sensor('rate-refill')), { temperature: 1 })).status === 200, {
        timeoutMs: 2000,
        intervalMs: 20,
        what: 'the bucket refilled',
      });
    });

    it('when one sensor floods, then the other sensors are not refused', async () => {
      const { app } = receiver({ auth: 'off', rate: { perSecond: 5, burst: 5 } });
      const server = app.listen(0);
      const agent = request.agent(server);
      try {
        const quiet = async () => {
          for (let i = 0; i < 10; i++) {
            const res = await agent.post(compat(sensor(`rate-quiet-${i}`))).send({ temperature: 1 });
            expect(res.status).toBe(200);
          }
        };
        await quiet();
        let flooding = true;
        const floodStarted = performance.now();
        const statuses: Record<number, number> = {};
        const flood = Array.from({ length: 16 }, async () => {
          while (flooding) {
            const res = await agent.post(compat(sensor('rate-flood'))).send({ temperature: 1 });
            statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          }
        });
        await quiet();
        flooding = false;
        await Promise.all(flood);
        // what the bucket allows: its burst, and the rate over the flood's duration
        expect(statuses[200]).toBeLessThanOrEqual(5 + Math.ceil((5 * (performance.now() - floodStarted)) / 1000));
        expect(statuses[429]).toBeGreaterThan(50);
        // (that the quiet sensors are not slowed is a matter of speed: measured by the bench, not timed here)
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });

    it('when Redis is unavailable, then posts get 503 with Retry-After and nothing is written; back, they pass again', async () => {
      const url = new URL(config.redis.url);
      const proxy = await startTcpProxy(url.hostname, Number(url.port || 6379));
      const cutRedis = createRedis(`redis://${url.hostname}:${proxy.port}`, silentLogger);
      try {
        await cutRedis.connect();
        const { app } = receiver({ auth: 'off', rate: { perSecond: 10, burst: 10, redis: cutRedis } });
        expect((await post(app, compat(sensor('rate-proxy')), { temperature: 1 })).status).toBe(200);
        await proxy.cut();
        const res = await post(app, compat(sensor('bad-redis-down')), { temperature: 1 });
        expectError(res, 503, 'service');
        expect(res.headers['retry-after']).toBeDefined();
        await proxy.restore();
        await waitFor(async () => (await post(app, compat(sensor('rate-proxy')), { temperature: 2 })).status === 200, {
          what: 'posts accepted once Redis is back',
          timeoutMs: 15_000,
          intervalMs: 200,
        });
      } finally {
        cutRedis.disconnect();
        await proxy.close();
      }
    });
  });

  it('no refused request published anything; no token is in the logs (at trace level) or the metrics', async () => {
    const { app, registry } = receiver();
    // a barrier: once it is on the topic, everything sent before it is too
    const barrier = sensor('gw-barrier');
    expect((await post(app, compat(barrier), { temperature: 1 }, tokens.gw)).status).toBe(200);
    const reader = await readTopic(kafka, config.kafka.readingsTopic);
    try {
      await reader.until((m) => m.some((x) => x.key?.toString() === barrier), 'the barrier reading');
      const sensors = reader.messages.map((m) => readingCodec.decode(m.value).sensorId);
      expect(sensors.filter((s) => s.startsWith(`ra-${run}-bad`))).toEqual([]);
      expect(sensors).toEqual(
        expect.arrayContaining([sensor('gw-1'), sensor('gw-2'), sensor('gw-3'), sensor('single')]),
      );
    } finally {
      await reader.close();
    }
    const text = logs.text();
    expect(text.length).toBeGreaterThan(0); // the refusals were logged (at debug)
    for (const secret of secrets) expect(text).not.toContain(secret);
    const metricsText = await registry.metrics();
    for (const secret of secrets) expect(metricsText).not.toContain(secret);
  });
});
