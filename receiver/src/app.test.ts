// The receiver's HTTP layer in-process: contract shapes and status codes. The publish function is the
// app's dependency seam; receiver.int.test.ts runs the same app against a real broker.
import pino from 'pino';
import { Registry } from 'prom-client';
import request from 'supertest';
import { loadConfig, NotWrittenError, OverloadedError, type Reading, UnconfirmedWriteError } from '../../shared/src';
import { createApp } from './app';
import { createReceiverMetrics } from './receiver-metrics';

const NOW = Date.parse('2026-11-22T12:00:00Z');

function build(publish: (readings: Reading[]) => Promise<void> = async () => {}, bodyLimitBytes = 2048) {
  const published: Reading[][] = [];
  const registry = new Registry();
  const app = createApp({
    config: { ...loadConfig({}).receiver, bodyLimitBytes },
    publish: async (readings) => {
      await publish(readings);
      published.push(readings);
    },
    checks: {},
    registry,
    metrics: createReceiverMetrics(registry, () => 0),
    logger: pino({ level: 'silent' }),
    now: () => NOW,
  });
  return { app, published };
}

const post = (app: ReturnType<typeof build>['app'], path: string, body: string | object, type = 'application/json') =>
  request(app)
    .post(path)
    .set('Content-Type', type)
    .send(typeof body === 'string' ? body : JSON.stringify(body));

describe('POST /api/v1/sensors/{sensorId}/measurements', () => {
  it('when a sensor posts {"temperature": 99}, then it gets the compat 200 and one reading is published', async () => {
    const { app, published } = build();
    const res = await post(app, '/api/v1/sensors/s-1/measurements', { temperature: 99 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: true, response: 'OK' });
    expect(published).toHaveLength(1);
    expect(published[0]).toEqual([
      { id: expect.any(String), sensorId: 's-1', metric: 'temperature', value: 99, at: NOW, receivedAt: NOW },
    ]);
  });

  it('when a value is not a number, then 400 names the field and nothing is published', async () => {
    const { app, published } = build();
    const res = await post(app, '/api/v1/sensors/s-1/measurements', { temperature: 'hot', humidity: 3 });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      result: false,
      response: [{ field: 'temperature', message: 'must be a finite number' }],
    });
    expect(published).toHaveLength(0);
  });

  it.each([
    ['not JSON', '{"temperature": 9', 400, 'body'],
    ['NaN', '{"temperature": NaN}', 400, 'body'],
    ['Infinity', '{"temperature": Infinity}', 400, 'body'],
    ['a bare number', '42', 400, 'body'],
  ])('when the body is %s, then %d names %s', async (_what, body, status, field) => {
    const { app, published } = build();
    const res = await post(app, '/api/v1/sensors/s-1/measurements', body);
    expect(res.status).toBe(status);
    expect(res.body.result).toBe(false);
    expect(res.body.response[0].field).toBe(field);
    expect(published).toHaveLength(0);
  });

  it('when the content type is not JSON, then 415', async () => {
    const { app } = build();
    const res = await post(app, '/api/v1/sensors/s-1/measurements', '{"temperature": 1}', 'text/plain');
    expect(res.status).toBe(415);
    expect(res.body).toEqual({ result: false, response: [{ field: 'content-type', message: expect.any(String) }] });
  });

  it('when the body is over the limit, then 413', async () => {
    const { app } = build();
    const res = await post(app, '/api/v1/sensors/s-1/measurements', { temperature: 1, pad_ding: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(res.body.response[0].field).toBe('body');
  });

  it('when the body is not valid UTF-8, then 400', async () => {
    const { app, published } = build();
    const res = await request(app)
      .post('/api/v1/sensors/s-1/measurements')
      .set('Content-Type', 'application/json')
      .serialize((bytes: Buffer) => bytes as unknown as string)
      .send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) as unknown as object);
    expect(res.status).toBe(400);
    expect(res.body.response[0]).toEqual({ field: 'body', message: 'body is not valid UTF-8' });
    expect(published).toHaveLength(0);
  });

  it('when the declared charset is not utf-8, then 415 (body-parser would otherwise decode it)', async () => {
    const { app, published } = build();
    const res = await post(
      app,
      '/api/v1/sensors/s-1/measurements',
      '{"temperature": 1}',
      'application/json; charset=utf-16le',
    );
    expect(res.status).toBe(415);
    expect(res.body.response).toEqual([{ field: 'content-type', message: 'charset must be utf-8' }]);
    expect(published).toHaveLength(0);
  });

  it('when a gzip body is corrupt, then 400 naming the body, not a 500', async () => {
    const { app } = build();
    const res = await request(app)
      .post('/api/v1/sensors/s-1/measurements')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize((bytes: Buffer) => bytes as unknown as string)
      .send(Buffer.from('definitely not gzip') as unknown as object);
    expect(res.status).toBe(400);
    expect(res.body.response[0].field).toBe('body');
  });

  it('when a value is beyond ±1e100, then 400: sums of such values would overflow the statistics', async () => {
    const { app } = build();
    const res = await post(app, '/api/v1/sensors/s-1/measurements', '{"temperature": 1.7e308}');
    expect(res.status).toBe(400);
    expect(res.body.response).toEqual([{ field: 'temperature', message: 'must be a number from -1e+100 to 1e+100' }]);
  });

  it('when Kafka does not acknowledge before anything was sent, then 503 with Retry-After says nothing was written', async () => {
    const { app } = build(() => Promise.reject(new NotWrittenError('timeout')));
    const res = await post(app, '/api/v1/sensors/s-1/measurements', { temperature: 1 });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toEqual({
      result: false,
      response: [
        { field: 'service', message: 'Kafka is unavailable; nothing of this request was written; retry later' },
      ],
    });
  });

  it.each([
    ['a write in flight timed out', new UnconfirmedWriteError('timeout')],
    ['a send failed', new Error('KafkaJSNumberOfRetriesExceeded')],
  ])('when %s, then the 503 says some readings may have been written and how to retry safely', async (_what, err) => {
    const { app } = build(() => Promise.reject(err));
    const res = await post(app, '/api/v1/measurements', [{ sensorId: 's-1', temperature: 1, id: 'seq-7' }]);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body.response).toEqual([
      { field: 'service', message: expect.stringContaining('some of them may have been written') },
    ]);
    expect(res.body.response[0].message).toContain('client id');
  });

  it('when too many readings are waiting for Kafka, then 429 with Retry-After', async () => {
    const { app } = build(() => Promise.reject(new OverloadedError('full')));
    const res = await post(app, '/api/v1/sensors/s-1/measurements', { temperature: 1 });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
  });
});

describe('POST /api/v1/measurements', () => {
  it('when every item is valid, then 200 counts the readings accepted', async () => {
    const { app, published } = build();
    const res = await post(app, '/api/v1/measurements', [
      { sensorId: 'a', temperature: 1, humidity: 2 },
      { sensorId: 'b', temperature: 3, at: '2026-11-22T11:00:00Z' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: true, response: { accepted: 3 } });
    expect(published[0].map((r) => [r.sensorId, r.metric, r.at])).toEqual([
      ['a', 'temperature', NOW],
      ['a', 'humidity', NOW],
      ['b', 'temperature', Date.parse('2026-11-22T11:00:00Z')],
    ]);
  });

  it('when one item is invalid, then 400 lists it with its index and nothing is published', async () => {
    const { app, published } = build();
    const res = await post(app, '/api/v1/measurements', [{ sensorId: 'a', temperature: 1 }, { sensorId: 'b' }]);
    expect(res.status).toBe(400);
    expect(res.body.response).toEqual([{ field: 'body', message: expect.any(String), index: 1 }]);
    expect(published).toHaveLength(0);
  });

  it('when a large batch has thousands of errors, then 400 lists the first 100, says how many more, and stays small', async () => {
    const { app, published } = build(undefined, 1024 * 1024);
    const body = Array.from({ length: 5000 }, () => ({ sensorId: 's-1', temperature: 'hot' }));
    const res = await post(app, '/api/v1/measurements', body);
    expect(res.status).toBe(400);
    expect(res.body.result).toBe(false);
    expect(res.body.errorCount).toBe(5000);
    expect(res.body.response).toHaveLength(101);
    expect(res.body.response[0]).toEqual({ field: 'temperature', message: 'must be a finite number', index: 0 });
    expect(res.body.response[99]).toMatchObject({ index: 99 });
    expect(res.body.response[100]).toEqual({
      field: 'body',
      message: 'and 4,900 more errors not listed (5,000 in all)',
    });
    expect(res.text.length).toBeLessThan(20_000);
    expect(published).toHaveLength(0);
  });
});

describe('other routes', () => {
  it('when the route is unknown, then 404 in the JSON error shape', async () => {
    const { app } = build();
    const res = await request(app).get('/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ result: false, response: [{ field: 'path', message: 'no route for GET /nope' }] });
  });

  it('when the method is wrong, then 404 in the JSON error shape, not an HTML page', async () => {
    const { app } = build();
    const res = await request(app).get('/api/v1/measurements');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
  });

  it('serves /health and Prometheus /metrics', async () => {
    const { app } = build();
    expect((await request(app).get('/health')).body).toEqual({ status: 'UP' });
    const metrics = await request(app).get('/metrics');
    expect(metrics.text).toContain('receiver_readings_accepted_total');
  });
});
