// When to try a request again. Exponential backoff with "full jitter" (a uniformly random wait between
// 0 and the exponential ceiling: clients that failed together do not retry together), and never sooner
// than the server's Retry-After. Pure: the random source is an argument.

export interface BackoffOptions {
  /** ceiling of the first retry's wait, in ms */
  initialDelayMs: number;
  /** largest ceiling, in ms */
  maxDelayMs: number;
  /** largest Retry-After honoured, in ms (a misconfigured server's "Retry-After: 86400" is capped) */
  maxRetryAfterMs: number;
}

/** The exponential ceiling before retry number `retry` (1 = the first retry). */
export function backoffCeilingMs(
  retry: number,
  options: Pick<BackoffOptions, 'initialDelayMs' | 'maxDelayMs'>,
): number {
  const exponent = Math.max(0, Math.min(retry - 1, 52));
  return Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** exponent);
}

/**
 * The wait before retry number `retry`: full jitter over the ceiling, at least `retryAfterMs` when the
 * server said (capped at maxRetryAfterMs). A Retry-After of 1 s from every overloaded receiver would
 * bring all clients back in the same instant, so a little jitter (up to 10%) is added on top of it.
 */
export function retryDelayMs(
  retry: number,
  options: BackoffOptions,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const jittered = random() * backoffCeilingMs(retry, options);
  if (retryAfterMs === undefined) return Math.round(jittered);
  const floor = Math.min(Math.max(0, retryAfterMs), options.maxRetryAfterMs);
  return Math.round(Math.max(jittered, floor + random() * floor * 0.1));
}

/**
 * `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, as ms from `nowMs`; undefined when
 * absent or unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // not in the RFC, but some servers send fractions of a second
  if (/^\d*\.\d+$/.test(text)) return Math.round(Number(text) * 1000);
  // an HTTP-date names a weekday and a month: a bare number or garbage must not parse as a date
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Statuses worth another try: overloaded (429) and server-side or proxy failures (5xx but 501, 505). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}
