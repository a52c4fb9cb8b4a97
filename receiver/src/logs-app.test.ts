// POST /api/v1/sensors/{sensorId}/logs in-process: shapes and status codes, with the publish seam.
import pino from 'pino';
import { Registry } from 'prom-client';
import request from 'supertest';
import { loadConfig, type LogLine, NotWrittenError, OverloadedError } from '../../shared/src';
import { createApp } from './app';
import { createReceiverMetrics } from './receiver-metrics';

const NOW = Date.parse('2026-11-22T12:00:00Z');

function build(publishLogs?: (lines: LogLine[]) => Promise<void>) {
  const published: LogLine[][] = [];
  const registry = new Registry();
  const app = createApp({
    config: loadConfig({}).receiver,
    publish: async () => {},
    publishLogs: async (lines) => {
      await publishLogs?.(lines);
      published.push(lines);
    },
    checks: {},
    registry,
    metrics: createReceiverMetrics(registry, () => 0),
    logger: pino({ level: 'silent' }),
    now: () => NOW,
  });
  return { app, published };
}

describe('POST /api/v1/sensors/{sensorId}/logs', () => {
  it('when lines are valid, then 200 counts them and they are published once acknowledged', async () => {
    const { app, published } = build();
    const res = await request(app)
      .post('/api/v1/sensors/host-1/logs')
      .send([
        { level: 'info', message: 'up', id: '1' },
        { level: 'error', message: 'disk full', source: 'df' },
      ]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: true, response: { accepted: 2 } });
    expect(published).toEqual([
      [
        { id: 'c/host-1/1', sensorId: 'host-1', level: 'info', source: null, message: 'up', at: NOW, receivedAt: NOW },
        {
          id: expect.any(String),
          sensorId: 'host-1',
          level: 'error',
          source: 'df',
          message: 'disk full',
          at: NOW,
          receivedAt: NOW,
        },
      ],
    ]);
  });

  it('when a line is invalid, then 400 names it by index and nothing is published', async () => {
    const { app, published } = build();
    const res = await request(app)
      .post('/api/v1/sensors/host-1/logs')
      .send([
        { level: 'info', message: 'fine' },
        { level: 'fatal', message: 'x' },
      ]);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      result: false,
      response: [{ index: 1, field: 'level', message: 'must be one of debug, info, warning, error, critical' }],
    });
    expect(published).toHaveLength(0);
  });

  it.each([
    ['too many lines waiting', new OverloadedError('full'), 429],
    ['Kafka down', new NotWrittenError('timeout'), 503],
  ])('when %s, then the status says so with Retry-After', async (_what, error, status) => {
    const { app } = build(async () => {
      throw error;
    });
    const res = await request(app)
      .post('/api/v1/sensors/host-1/logs')
      .send([{ level: 'info', message: 'x' }]);
    expect(res.status).toBe(status);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body.result).toBe(false);
  });
});
