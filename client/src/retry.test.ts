import type { HttpAnswer } from './http-transport';
import { TransportError } from './http-transport';
import { type AttemptReport, DEFAULT_RETRY, type RetryEnvironment, sendWithRetry } from './retry';

const answer = (status: number, headers: Record<string, string> = {}): HttpAnswer => ({
  status,
  headers,
  body: Buffer.from('{}'),
});

/** A clock that advances only by the sleeps, and records them. */
function fakeEnvironment(): RetryEnvironment & { sleeps: number[] } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    random: () => 0.5,
    sleep: async (ms, signal) => {
      if (signal?.aborted) return false;
      sleeps.push(ms);
      now += ms;
      return true;
    },
  };
}

function script(steps: Array<HttpAnswer | TransportError>) {
  const urls: string[] = [];
  return {
    urls,
    attempt: async (url: string) => {
      urls.push(url);
      const step = steps.shift();
      if (!step) throw new Error('no more steps');
      if (step instanceof TransportError) throw step;
      return step;
    },
  };
}

describe('sendWithRetry', () => {
  it('retries network errors, timeouts, 429 and 503 with growing backoff until a 200', async () => {
    const env = fakeEnvironment();
    const s = script([
      new TransportError('network', 'ECONNREFUSED'),
      new TransportError('timeout', 'no answer'),
      answer(429),
      answer(503),
      answer(200),
    ]);
    const reports: AttemptReport[] = [];
    const outcome = await sendWithRetry(
      s.attempt,
      () => 'http://a',
      DEFAULT_RETRY,
      (r) => reports.push(r),
      env,
    );
    expect(outcome).toMatchObject({ kind: 'ok', attempts: 5 });
    // full jitter at 0.5 of 100, 200, 400, 800 ms
    expect(env.sleeps).toEqual([50, 100, 200, 400]);
    expect(reports.map((r) => [r.attempt, r.status ?? r.error?.kind, r.retryInMs])).toEqual([
      [1, 'network', 50],
      [2, 'timeout', 100],
      [3, 429, 200],
      [4, 503, 400],
      [5, 200, undefined],
    ]);
  });

  it('honours Retry-After (seconds or a date) as the least wait', async () => {
    const env = fakeEnvironment();
    const date = new Date(env.now() + 1000 + 3000).toUTCString();
    const s = script([answer(503, { 'retry-after': '2' }), answer(429, { 'retry-after': date }), answer(200)]);
    await sendWithRetry(
      s.attempt,
      () => 'http://a',
      DEFAULT_RETRY,
      () => undefined,
      env,
    );
    expect(env.sleeps[0]).toBeGreaterThanOrEqual(2000);
    expect(env.sleeps[0]).toBeLessThanOrEqual(2200);
    // the date is 4 s after the start, 2 s after the first sleep (HTTP dates have whole seconds)
    expect(env.sleeps[1]).toBeGreaterThanOrEqual(1000);
    expect(env.sleeps[1]).toBeLessThanOrEqual(2200);
  });

  it('does not retry a 400 (or another 4xx but 429): refused at once', async () => {
    for (const status of [400, 401, 403, 404, 413, 415]) {
      const env = fakeEnvironment();
      const s = script([answer(status), answer(200)]);
      const outcome = await sendWithRetry(
        s.attempt,
        () => 'http://a',
        DEFAULT_RETRY,
        () => undefined,
        env,
      );
      expect(outcome).toMatchObject({ kind: 'refused', attempts: 1 });
      expect(env.sleeps).toEqual([]);
    }
  });

  it('gives up after maxAttempts or when the next retry would start past maxElapsedMs', async () => {
    const env = fakeEnvironment();
    const three = await sendWithRetry(
      script([answer(503), answer(503), answer(503), answer(200)]).attempt,
      () => 'http://a',
      { ...DEFAULT_RETRY, maxAttempts: 3 },
      () => undefined,
      env,
    );
    expect(three).toMatchObject({ kind: 'gave-up', attempts: 3 });
    expect((three as { answer: HttpAnswer }).answer.status).toBe(503);

    const timed = await sendWithRetry(
      script(Array.from({ length: 20 }, () => answer(503, { 'retry-after': '1' }))).attempt,
      () => 'http://a',
      { ...DEFAULT_RETRY, maxElapsedMs: 3500 },
      () => undefined,
      fakeEnvironment(),
    );
    expect(timed.kind).toBe('gave-up');
    expect(timed.attempts).toBeLessThanOrEqual(4);
  });

  it('goes to the URL of each attempt (a retry may go to another receiver)', async () => {
    const s = script([answer(503), new TransportError('network', 'reset'), answer(200)]);
    const urls = ['http://a', 'http://b'];
    await sendWithRetry(
      s.attempt,
      (n) => urls[(n - 1) % 2],
      DEFAULT_RETRY,
      () => undefined,
      fakeEnvironment(),
    );
    expect(s.urls).toEqual(['http://a', 'http://b', 'http://a']);
  });

  it('when aborted, then it stops without another attempt', async () => {
    const controller = new AbortController();
    controller.abort();
    const s = script([answer(503), answer(200)]);
    const outcome = await sendWithRetry(
      s.attempt,
      () => 'http://a',
      DEFAULT_RETRY,
      () => undefined,
      fakeEnvironment(),
      controller.signal,
    );
    expect(outcome).toMatchObject({ kind: 'aborted', attempts: 1 });
    expect(s.urls).toHaveLength(1);
  });
});
