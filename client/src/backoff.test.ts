import { backoffCeilingMs, isRetryableStatus, parseRetryAfter, retryDelayMs } from './backoff';

const options = { initialDelayMs: 100, maxDelayMs: 5000, maxRetryAfterMs: 60_000 };

describe('backoff schedule', () => {
  it('doubles the ceiling from the initial delay up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 100].map((r) => backoffCeilingMs(r, options))).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
  });

  it('draws full jitter: anywhere from 0 to the ceiling', () => {
    expect(retryDelayMs(3, options, undefined, () => 0)).toBe(0);
    expect(retryDelayMs(3, options, undefined, () => 0.5)).toBe(200);
    expect(retryDelayMs(3, options, undefined, () => 0.999999)).toBe(400);
  });

  it('when the server sent Retry-After, then it never retries sooner, with up to 10% jitter on top', () => {
    expect(retryDelayMs(1, options, 2000, () => 0)).toBe(2000);
    expect(retryDelayMs(1, options, 2000, () => 0.999999)).toBe(2200);
    // a ceiling beyond Retry-After still applies
    expect(retryDelayMs(7, options, 1000, () => 0.9)).toBe(4500);
  });

  it('when Retry-After is absurd, then it is capped', () => {
    expect(retryDelayMs(1, options, 86_400_000, () => 0)).toBe(60_000);
  });
});

describe('Retry-After parsing', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(['3', '9'], now)).toBe(3000);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });

  it('reads an HTTP-date relative to now; one in the past means now', () => {
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('when absent or unreadable, then undefined (the backoff alone decides)', () => {
    for (const v of [undefined, '', '  ', '-1', 'soon', '1e3', '12abc', []]) {
      expect(parseRetryAfter(v, now)).toBeUndefined();
    }
  });
});

describe('retryable statuses', () => {
  it('are 429 and server or proxy failures; other 4xx and 2xx are not', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 301, 400, 401, 403, 404, 413, 415, 501, 505].some(isRetryableStatus)).toBe(false);
  });
});
