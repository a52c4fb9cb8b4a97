// The fan-out and the bounds of the live streams, on stand-ins for the HTTP request and answer (what
// the streams do with real sockets, a real consumer and real slow clients: live-stream.int.test.ts).
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino from 'pino';
import { Registry } from 'prom-client';
import { type AppError, type Reading, type SensorEvent } from '../../shared/src';
import { createLiveStreams, type LiveStreamSettings } from './live-stream';
import { createStreamMetrics } from './stream-metrics';

class FakeResponse extends EventEmitter {
  chunks: string[] = [];
  writableLength = 0;
  /** false: the socket takes nothing (a client that stopped reading) */
  draining = true;
  ended = false;
  destroyed = false;
  status?: number;
  writeHead(status: number) {
    this.status = status;
    return this;
  }
  write(chunk: string) {
    if (!this.draining) {
      this.writableLength += Buffer.byteLength(chunk);
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }
  end() {
    this.ended = true;
    this.emit('close');
  }
  destroy() {
    this.destroyed = true;
    this.emit('close');
  }
  get text() {
    return this.chunks.join('');
  }
}

const req = () => ({ socket: { setNoDelay: () => undefined } }) as unknown as IncomingMessage;
const reading = (sensorId: string, value: number): Reading => ({
  id: `${sensorId}-${value}`,
  sensorId,
  metric: 'temperature',
  value,
  at: Date.parse('2026-11-22T10:00:00Z'),
  receivedAt: Date.parse('2026-11-22T10:00:00Z'),
});
const event = (sensorId: string): SensorEvent => ({
  id: `e-${sensorId}`,
  sensorId,
  metric: 'temperature',
  type: 'TEMPERATURE_EXCEEDED',
  value: 99,
  at: Date.parse('2026-11-22T10:00:00Z'),
  threshold: 95,
  rule: 'temperature',
  warningsForEvent: 3,
  readingId: 'r',
});

const SETTINGS: LiveStreamSettings = {
  heartbeatMs: 15_000,
  retryMs: 3000,
  maxClients: 3,
  clientBufferBytes: 1000,
  recheckMs: 2500,
};

function setUp(settings: Partial<LiveStreamSettings> = {}) {
  const registry = new Registry();
  const metrics = createStreamMetrics(registry);
  const streams = createLiveStreams({
    settings: { ...SETTINGS, ...settings },
    metrics,
    logger: pino({ level: 'silent' }),
  });
  const open = (sensorIds: string[], recheck?: () => Promise<boolean>) => {
    const res = new FakeResponse();
    streams.attach(req(), res as unknown as ServerResponse, sensorIds, recheck);
    return res;
  };
  const counter = async (name: string, labels: Record<string, string>) => {
    const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
    return m?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
  };
  return { streams, open, counter };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());
const turn = () => jest.advanceTimersByTime(1);

describe('live streams', () => {
  it('when a stream opens, then it is a 200 event stream that starts with the retry hint', () => {
    const { open } = setUp();
    const res = open([]);
    expect(res.status).toBe(200);
    expect(res.text).toBe('retry: 3000\n\n: connected\n\n');
  });

  it('when readings, events and alarms come, then each client gets those of its selection', () => {
    const { streams, open } = setUp();
    const one = open(['s-1']);
    const all = open([]);
    expect(streams.wantsReadingsOf('s-1')).toBe(true);
    expect(streams.wantsReadingsOf('s-2')).toBe(false);
    streams.reading(reading('s-1', 1));
    streams.reading(reading('s-2', 2));
    streams.event(event('s-1'));
    streams.event(event('s-2'));
    turn();
    expect(one.text.match(/^event: \w+/gm)).toEqual(['event: reading', 'event: event']);
    expect(one.text).toContain('"sensorId":"s-1","metric":"temperature","value":1');
    expect(one.text).not.toContain('s-2');
    // no selection: events of every sensor, no readings
    expect(all.text.match(/^event: \w+/gm)).toEqual(['event: event', 'event: event']);
  });

  it('when messages come within one turn, then a client gets them in one write', () => {
    const { streams, open } = setUp({ clientBufferBytes: 10_000 });
    const res = open(['s-1']);
    for (let i = 0; i < 10; i++) streams.reading(reading('s-1', i));
    turn();
    expect(res.chunks).toHaveLength(2); // the opening bytes, then the ten readings
    expect(res.chunks[1].match(/event: reading/g)).toHaveLength(10);
  });

  it('when a client stops reading, then past its bound it is disconnected and counted, and a fast one keeps receiving', async () => {
    const { streams, open, counter } = setUp();
    const slow = open(['s-1']);
    const fast = open(['s-1']);
    slow.draining = false;
    for (let i = 0; i < 20; i++) {
      streams.reading(reading('s-1', i));
      turn();
    }
    expect(slow.destroyed).toBe(true);
    expect(streams.clientCount).toBe(1);
    expect(await counter('assessor_stream_disconnected_total', { reason: 'slow' })).toBe(1);
    expect(fast.text.match(/event: reading/g)).toHaveLength(20);
    expect(slow.writableLength).toBeLessThanOrEqual(SETTINGS.clientBufferBytes);
  });

  it('when a socket drains again, then the frames queued meanwhile are written', () => {
    const { streams, open } = setUp();
    const res = open(['s-1']);
    res.draining = false;
    streams.reading(reading('s-1', 1)); // written, but the socket is full: wait for drain
    turn();
    streams.reading(reading('s-1', 2));
    streams.reading(reading('s-1', 3));
    turn();
    expect(res.text).not.toContain('"value":2');
    res.draining = true;
    res.writableLength = 0;
    res.emit('drain');
    turn();
    expect(res.text.match(/"value":[23]/g)).toEqual(['"value":2', '"value":3']);
  });

  it('when a stream is idle, then a heartbeat comment goes out every heartbeat interval', () => {
    const { open } = setUp({ heartbeatMs: 1000 });
    const res = open(['s-1']);
    jest.advanceTimersByTime(3001);
    expect(res.text.match(/^: ping$/gm)).toHaveLength(3);
  });

  it('when the instance serves its most streams, then one more is a 429', () => {
    const { open } = setUp();
    open([]);
    open([]);
    open([]);
    expect(() => open([])).toThrow(expect.objectContaining({ status: 429 }) as unknown as AppError);
  });

  it("when a stream's token is revoked, then the stream ends at the next check", async () => {
    const { open, streams, counter } = setUp();
    let valid = true;
    const res = open([], async () => valid);
    jest.advanceTimersByTime(2500);
    await Promise.resolve();
    expect(res.ended).toBe(false);
    valid = false;
    jest.advanceTimersByTime(2500);
    await jest.runAllTimersAsync();
    expect(res.ended).toBe(true);
    expect(streams.clientCount).toBe(0);
    expect(await counter('assessor_stream_disconnected_total', { reason: 'revoked' })).toBe(1);
  });

  it('when a client goes away, then it is forgotten and its sensors are no longer decoded for', () => {
    const { open, streams } = setUp();
    const res = open(['s-1']);
    res.emit('close');
    expect(streams.clientCount).toBe(0);
    expect(streams.wantsReadingsOf('s-1')).toBe(false);
  });

  it('when closed, then every stream ends and a new one is a 503', () => {
    const { open, streams } = setUp();
    const a = open(['s-1']);
    const b = open([]);
    streams.close();
    expect([a.ended, b.ended]).toEqual([true, true]);
    expect(() => open([])).toThrow(expect.objectContaining({ status: 503 }) as unknown as AppError);
  });
});
