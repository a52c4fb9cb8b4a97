// The client with a scripted transport (no sockets): batching, compression, ids across retries,
// refusals, overflow, flush/close, logs, timed.
import { gunzipSync } from 'node:zlib';
import { createClient, type ClientOptions, type DroppedEvent, type RejectedEvent } from './client';
import { type HttpAnswer, type HttpRequest, type Transport, TransportError } from './http-transport';
import type { RetryEnvironment } from './retry';

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

type Reply = HttpAnswer | TransportError | Promise<HttpAnswer>;

const ok = (accepted = 0): HttpAnswer => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify({ result: true, response: { accepted } })),
});
const status = (
  code: number,
  headers: Record<string, string> = {},
  body: unknown = { result: false, response: [] },
) => ({
  status: code,
  headers: { 'content-type': 'application/json', ...headers },
  body: Buffer.from(JSON.stringify(body)),
});

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

function fakeTransport(reply: (req: Seen, n: number) => Reply = () => ok()): Transport & { seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    seen,
    async send(req: HttpRequest) {
      const raw = req.body ?? Buffer.alloc(0);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString();
      const s: Seen = {
        url: req.url.toString(),
        method: req.method,
        headers: req.headers,
        body: parse(text),
      };
      seen.push(s);
      const r = reply(s, seen.length);
      if (r instanceof TransportError) throw r;
      return r;
    },
    close() {},
  };
}

/** Retries without waiting: the sleeps are recorded, not slept. */
function instantRetries(): RetryEnvironment & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: Date.now,
    random: () => 0.5,
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      await new Promise((r) => setImmediate(r));
      return !signal?.aborted;
    },
  };
}

async function until(what: string, probe: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function client(transport: Transport, options: Partial<ClientOptions> = {}) {
  return createClient({
    url: 'http://receiver:8080',
    transport,
    retryEnvironment: instantRetries(),
    idEpoch: 'ep',
    maxWaitMs: 60_000,
    ...options,
  });
}

type Item = Record<string, unknown>;

describe('client: batching', () => {
  it('when maxItems readings are buffered, then they go in one gzip-compressed batch with ids and times', async () => {
    const t = fakeTransport();
    const c = client(t, { maxItems: 4, minCompressBytes: 0 });
    c.record('s1', { temperature: 20, humidity: 40 }, 1_700_000_000_000);
    c.record('s2', { temperature: 21 }, new Date(1_700_000_000_001));
    expect(t.seen).toHaveLength(0);
    c.record('s1', { temperature: 22 });
    await until('a request', () => t.seen.length === 1);
    const [req] = t.seen;
    expect(req.url).toBe('http://receiver:8080/api/v1/measurements');
    expect(req.headers['content-encoding']).toBe('gzip');
    expect(req.headers['content-type']).toBe('application/json');
    const items = req.body as Item[];
    expect(items.slice(0, 2)).toEqual([
      { sensorId: 's1', id: 'ep-0', at: 1_700_000_000_000, temperature: 20, humidity: 40 },
      { sensorId: 's2', id: 'ep-1', at: 1_700_000_000_001, temperature: 21 },
    ]);
    expect(items[2]).toMatchObject({ sensorId: 's1', id: 'ep-2', temperature: 22 });
    expect(Math.abs((items[2].at as number) - Date.now())).toBeLessThan(5000);
    await c.flush();
    expect(c.stats()).toMatchObject({ recorded: 4, sent: 4, requests: 1, buffered: 0, dropped: 0 });
    await c.close();
  });

  it('when maxWaitMs passes, then a partial batch is sent', async () => {
    const t = fakeTransport();
    const c = client(t, { maxItems: 1000, maxWaitMs: 30 });
    c.record('s', { t: 1 });
    await until('the timed flush', () => t.seen.length === 1);
    expect(t.seen[0].body).toHaveLength(1);
    await c.close();
  });

  it('when batches exceed maxItems or maxBatchBytes, then they are split, in order', async () => {
    const t = fakeTransport();
    const c = client(t, { maxItems: 3, maxBatchBytes: 100_000, gzip: false });
    for (let i = 0; i < 10; i++) c.record('s', { t: i });
    await c.flush();
    expect(t.seen.map((r) => (r.body as Item[]).map((i) => i.t))).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    expect(t.seen[0].headers['content-encoding']).toBeUndefined();

    const bytes = fakeTransport();
    const d = client(bytes, { maxItems: 1000, maxBatchBytes: 200 });
    for (let i = 0; i < 10; i++) d.record('sensor', { temperature: i });
    await d.flush();
    expect(bytes.seen.length).toBeGreaterThan(1);
    for (const r of bytes.seen) expect(JSON.stringify(r.body).length).toBeLessThanOrEqual(200);
    await Promise.all([c.close(), d.close()]);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const t = fakeTransport(() => {
      inFlight++;
      most = Math.max(most, inFlight);
      return new Promise((resolve) =>
        setTimeout(() => {
          inFlight--;
          resolve(ok());
        }, 5),
      );
    });
    const c = client(t, { maxItems: 1, concurrency: 3 });
    for (let i = 0; i < 12; i++) c.record('s', { t: i });
    await c.flush();
    expect(most).toBe(3);
    expect(t.seen).toHaveLength(12);
    await c.close();
  });

  it('refuses at record() what the receiver would refuse, and counts nothing', () => {
    const c = client(fakeTransport());
    expect(() => c.record('bad sensor', { t: 1 })).toThrow(RangeError);
    expect(() => c.record('s', { T: 1 })).toThrow(RangeError);
    expect(() => c.record('s', { t: Number.NaN })).toThrow(RangeError);
    expect(c.stats().recorded).toBe(0);
    return c.close();
  });
});

describe('client: retries and refusals', () => {
  it('when the receiver fails, then the batch is retried with the same body: same client ids', async () => {
    const t = fakeTransport((_req, n) =>
      n === 1 ? new TransportError('network', 'ECONNRESET') : n === 2 ? status(503, { 'retry-after': '1' }) : ok(),
    );
    const env = instantRetries();
    const c = client(t, { retryEnvironment: env });
    const retries: number[] = [];
    c.on('retry', (e) => retries.push(e.status ?? 0));
    c.record('s', { t: 1 });
    c.record('s', { t: 2 });
    await c.flush();
    expect(t.seen).toHaveLength(3);
    expect(t.seen[1].body).toEqual(t.seen[0].body);
    expect(t.seen[2].body).toEqual(t.seen[0].body);
    expect(retries).toEqual([0, 503]);
    expect(env.sleeps[1]).toBeGreaterThanOrEqual(1000); // Retry-After: 1
    expect(c.stats()).toMatchObject({ sent: 2, retried: 2, requests: 1 });
    await c.close();
  });

  it('when the receiver answers 400, then it is not retried and is reported with the error body', async () => {
    const errors = [{ field: 'at', message: 'must not be more than 86400 s in the future', index: 0 }];
    const t = fakeTransport(() => status(400, {}, { result: false, response: errors }));
    const c = client(t);
    const rejected: RejectedEvent[] = [];
    c.on('rejected', (e) => rejected.push(e));
    c.record('s', { t: 1 }, Date.now() + 10 * 86_400_000);
    await c.flush();
    expect(t.seen).toHaveLength(1);
    expect(rejected).toEqual([
      expect.objectContaining({ kind: 'readings', count: 1, status: 400, errors, url: 'http://receiver:8080' }),
    ]);
    expect(JSON.parse(rejected[0].body)).toEqual({ result: false, response: errors });
    expect(c.stats()).toMatchObject({ rejected: 1, sent: 0, retried: 0 });
    await c.close();
  });

  it('when the receiver answers 413, then the batch is halved and sent again', async () => {
    const t = fakeTransport((req) => ((req.body as Item[]).length > 2 ? status(413) : ok()));
    const c = client(t, { maxItems: 8 });
    for (let i = 0; i < 8; i++) c.record('s', { t: i });
    await c.flush();
    expect(t.seen.map((r) => (r.body as Item[]).length)).toEqual([8, 4, 2, 2, 4, 2, 2]);
    expect(c.stats()).toMatchObject({ sent: 8, rejected: 0 });
    await c.close();
  });

  it('when retries run out, then the readings are dropped and reported as given up', async () => {
    const t = fakeTransport(() => status(503));
    const c = client(t, { retry: { maxAttempts: 3 } });
    const dropped: DroppedEvent[] = [];
    c.on('dropped', (e) => dropped.push(e));
    c.record('s', { t: 1, u: 2 });
    await c.flush();
    expect(t.seen).toHaveLength(3);
    expect(dropped).toEqual([{ kind: 'readings', count: 2, reason: 'gave-up', status: 503 }]);
    expect(c.stats()).toMatchObject({ dropped: 2, retried: 2 });
    await c.close();
  });

  it('with several receiver URLs, requests go round robin and a retry goes to the next one', async () => {
    const t = fakeTransport((req) =>
      req.url.startsWith('http://b') ? new TransportError('network', 'refused') : ok(),
    );
    const c = client(t, { url: ['http://a:1', 'http://b:2/'], maxItems: 1 });
    c.record('s', { t: 1 });
    await c.flush();
    c.record('s', { t: 2 });
    await c.flush();
    expect(t.seen.map((r) => new URL(r.url).host)).toEqual(['a:1', 'b:2', 'a:1']);
    await c.close();
  });

  it('sends the sensor token as a bearer token', async () => {
    const t = fakeTransport();
    const c = client(t, { token: 'tok_abcdefghijklmnopqrstuvwxyz' });
    c.record('s', { t: 1 });
    await c.flush();
    await c.request('GET', '/health', { token: null });
    expect(t.seen[0].headers.authorization).toBe('Bearer tok_abcdefghijklmnopqrstuvwxyz');
    expect(t.seen[1].headers.authorization).toBeUndefined();
    await c.close();
  });
});

describe('client: a full buffer', () => {
  it("'drop-oldest': the oldest waiting readings are dropped and counted", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = fakeTransport(() => gate.then(() => ok()));
    const c = client(t, { maxItems: 2, maxBufferedReadings: 5, overflow: 'drop-oldest' });
    const dropped: DroppedEvent[] = [];
    c.on('dropped', (e) => dropped.push(e));
    for (let i = 0; i < 9; i++) expect(c.record('s', { t: i })).toBeUndefined();
    // 0, 1 in flight; 2..8 wanted 7 places among 3: 2, 3, 4, 5 dropped
    expect(dropped.reduce((n, e) => n + e.count, 0)).toBe(4);
    expect(dropped[0].reason).toBe('overflow');
    expect(c.stats()).toMatchObject({ dropped: 4, buffered: 5 });
    release();
    await c.flush();
    const sent = t.seen.flatMap((r) => (r.body as Item[]).map((i) => i.t));
    expect(sent).toEqual([0, 1, 6, 7, 8]);
    await c.close();
  });

  it("'block': record() waits for room, in order, and nothing is dropped", async () => {
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    const t = fakeTransport(() => gate.then(() => ok()));
    const c = client(t, { maxItems: 2, maxBufferedReadings: 4, overflow: 'block' });
    const results = Array.from({ length: 8 }, (_, i) => c.record('s', { t: i }));
    expect(results.slice(0, 4)).toEqual([undefined, undefined, undefined, undefined]);
    let admitted = 0;
    for (const p of results.slice(4)) void p?.then(() => admitted++);
    await new Promise((r) => setImmediate(r));
    expect(admitted).toBe(0);
    const firstRelease = release;
    gate = Promise.resolve();
    firstRelease();
    await Promise.all(results);
    await c.flush();
    expect(t.seen.flatMap((r) => (r.body as Item[]).map((i) => i.t))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(c.stats()).toMatchObject({ dropped: 0, sent: 8 });
    await c.close();
  });

  it('refuses a reading that could never fit the bytes bound', () => {
    const c = client(fakeTransport(), { maxBufferedBytes: 20 });
    expect(() => c.record('sensor-with-a-long-name', { temperature: 1 })).toThrow(RangeError);
    return c.close();
  });
});

describe('client: flush and close', () => {
  it('close() drains what is buffered, then refuses new readings', async () => {
    const t = fakeTransport();
    const c = client(t);
    c.record('s', { t: 1 });
    c.log('s', 'info', 'bye');
    await c.close();
    expect(t.seen.map((r) => new URL(r.url).pathname).sort()).toEqual([
      '/api/v1/measurements',
      '/api/v1/sensors/s/logs',
    ]);
    expect(() => c.record('s', { t: 2 })).toThrow(/closed/);
    await c.close(); // idempotent
  });

  it('when the receiver stays down past the close deadline, then close() drops the rest and returns', async () => {
    const t = fakeTransport(() => new TransportError('network', 'ECONNREFUSED'));
    const c = createClient({
      url: 'http://receiver:1',
      transport: t,
      maxItems: 2,
      retry: { initialDelayMs: 10, maxDelayMs: 20 },
    });
    for (let i = 0; i < 5; i++) c.record('s', { t: i });
    const dropped: DroppedEvent[] = [];
    c.on('dropped', (e) => dropped.push(e));
    const started = Date.now();
    await c.close({ timeoutMs: 150 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(dropped.every((e) => e.reason === 'close')).toBe(true);
    expect(c.stats()).toMatchObject({ dropped: 5, sent: 0, buffered: 0 });
  });

  it('flush() waits only for what was recorded before it', async () => {
    const t = fakeTransport();
    const c = client(t, { maxItems: 1000 });
    c.record('s', { t: 1 });
    const flushed = c.flush();
    c.record('s', { t: 2 });
    await flushed;
    expect(t.seen.flatMap((r) => (r.body as Item[]).map((i) => i.t))).toContain(1);
    await c.close();
  });
});

describe('client: logs', () => {
  it('batches log lines per sensor to its logs path, with client ids and times', async () => {
    const t = fakeTransport();
    const c = client(t, { logs: { maxItems: 3 }, gzip: false });
    c.log('host-a', 'info', 'started', 'agent', { at: 1000 });
    c.log('host-b', 'error', 'disk full');
    c.log('host-a', 'warning', 'slow', undefined, { id: 'file-1:42' });
    await until('log requests', () => t.seen.length === 2);
    const byPath = Object.fromEntries(t.seen.map((r) => [new URL(r.url).pathname, r.body as Item[]]));
    expect(byPath['/api/v1/sensors/host-a/logs']).toEqual([
      { at: 1000, level: 'info', message: 'started', source: 'agent', id: 'ep-0' },
      expect.objectContaining({ level: 'warning', message: 'slow', id: 'file-1:42' }),
    ]);
    expect(byPath['/api/v1/sensors/host-b/logs']).toEqual([
      expect.objectContaining({ level: 'error', message: 'disk full', id: 'ep-1' }),
    ]);
    expect(c.stats('logs')).toMatchObject({ recorded: 3, sent: 3, requests: 2 });
    expect(c.stats('readings').recorded).toBe(0);
    expect(() => c.log('host-a', 'fatal' as 'info', 'x')).toThrow(/level/);
    expect(() => c.log('host a', 'info', 'x')).toThrow(/sensor id/);
    await c.close();
  });

  it('refuses more than 5000 lines per request', () => {
    expect(() => client(fakeTransport(), { logs: { maxItems: 5001 } })).toThrow(/5000/);
  });
});

describe('client: timed and one-off requests', () => {
  it('timed() records the function metrics under the client sensor', async () => {
    const t = fakeTransport();
    const c = client(t, { sensorId: 'app-1' });
    const parse = c.timed('parse', (s: string) => JSON.parse(s) as unknown);
    expect(parse('{"a":1}')).toEqual({ a: 1 });
    expect(() => parse('nope')).toThrow();
    await c.flush();
    const items = t.seen.flatMap((r) => r.body as Item[]);
    expect(items).toEqual([
      expect.objectContaining({ sensorId: 'app-1', parse_calls: 1, parse_errors: 0 }),
      expect.objectContaining({ sensorId: 'app-1', parse_calls: 1, parse_errors: 1 }),
    ]);
    expect(typeof items[0].parse_duration_ms).toBe('number');
    expect(() => createClient({ url: 'http://x' }).timed('f', () => 1)).toThrow(/sensorId/);
    await c.close();
  });

  it('request() returns each answer as it is, retrying only when asked', async () => {
    const t = fakeTransport((_req, n) => (n === 1 ? status(503, { 'retry-after': '1' }) : ok(3)));
    const c = client(t);
    const once = await c.sendMeasurements([{ sensorId: 's', temperature: 1 }], { retry: false, url: 'http://other:9' });
    expect(once).toMatchObject({ ok: false, outcome: 'gave-up', status: 503, attempts: 1, url: 'http://other:9' });
    expect(once.headers['retry-after']).toBe('1');
    const retried = await c.sendMeasurement('s', { temperature: 1 });
    expect(retried).toMatchObject({ ok: true, status: 200, json: { result: true, response: { accepted: 3 } } });
    expect(t.seen[1].url).toBe('http://receiver:8080/api/v1/sensors/s/measurements');

    const down = fakeTransport(() => new TransportError('timeout', 'no answer within 5 ms'));
    const d = client(down);
    const failed = await d.request('POST', '/api/v1/measurements', {
      body: 'not json',
      contentType: 'text/plain',
      retry: false,
    });
    expect(failed).toMatchObject({ ok: false, outcome: 'gave-up', attempts: 1 });
    expect(failed.status).toBeUndefined();
    expect(failed.error?.kind).toBe('timeout');
    expect(down.seen[0].headers['content-type']).toBe('text/plain');
    await Promise.all([c.close(), d.close()]);
  });
});
