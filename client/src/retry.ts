// The retry loop of one request: network errors, timeouts and retryable statuses (429, 5xx) are tried
// again after a backoff (backoff.ts) until it succeeds, is refused (another 4xx: not retried), runs out
// of attempts or time, or is aborted (close() past its deadline). Every retry is idempotent because the
// body carries client ids. The clock, the random source and the sleep are arguments, for tests.
import { isRetryableStatus, parseRetryAfter, retryDelayMs } from './backoff';
import { type HttpAnswer, TransportError } from './http-transport';

export interface RetryOptions {
  /** ceiling of the first retry's wait (full jitter below it), ms */
  initialDelayMs: number;
  /** largest ceiling of the exponential wait, ms */
  maxDelayMs: number;
  /** largest Retry-After honoured, ms */
  maxRetryAfterMs: number;
  /** attempts in all, the first included (Infinity: until it succeeds or is refused) */
  maxAttempts: number;
  /** no retry starts later than this after the first attempt, ms (Infinity: no limit) */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  initialDelayMs: 100,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  maxAttempts: Infinity,
  maxElapsedMs: Infinity,
};

/** No retry at all: one attempt, whatever it gets. */
export const NO_RETRY: RetryOptions = { ...DEFAULT_RETRY, maxAttempts: 1 };

export interface AttemptReport {
  /** 1 for the first attempt */
  attempt: number;
  /** the base URL this attempt went to */
  url: string;
  /** the status, when the server answered */
  status?: number;
  error?: TransportError;
  /** how long this attempt took, ms */
  ms: number;
  /** set when it will be retried: the wait before the next attempt */
  retryInMs?: number;
}

export type SendOutcome =
  /** 2xx */
  | { kind: 'ok'; answer: HttpAnswer; attempts: number }
  /** a status that is not retried (4xx other than 429, 3xx, 501, 505) */
  | { kind: 'refused'; answer: HttpAnswer; attempts: number }
  /** still failing when attempts or time ran out: the last answer or error */
  | { kind: 'gave-up'; answer?: HttpAnswer; error?: TransportError; attempts: number }
  /** aborted by the caller */
  | { kind: 'aborted'; answer?: HttpAnswer; error?: TransportError; attempts: number };

export interface RetryEnvironment {
  now(): number;
  random(): number;
  /** resolves after `ms`, or early (false) when `signal` aborts */
  sleep(ms: number, signal?: AbortSignal): Promise<boolean>;
}

export const realEnvironment: RetryEnvironment = {
  now: Date.now,
  random: Math.random,
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve(false);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * Calls `attemptOnce(url)` until an outcome is final, with the base URL `urlOf(attempt)` for attempt
 * 1, 2, ... (a retry may go to another receiver); it resolves with the answer or rejects with a
 * TransportError.
 */
export async function sendWithRetry(
  attemptOnce: (url: string) => Promise<HttpAnswer>,
  urlOf: (attempt: number) => string,
  options: RetryOptions,
  onAttempt: (report: AttemptReport) => void,
  env: RetryEnvironment = realEnvironment,
  signal?: AbortSignal,
): Promise<SendOutcome> {
  const startedAt = env.now();
  for (let attempt = 1; ; attempt++) {
    const began = env.now();
    let answer: HttpAnswer | undefined;
    let error: TransportError | undefined;
    const url = urlOf(attempt);
    try {
      answer = await attemptOnce(url);
    } catch (err) {
      error = err instanceof TransportError ? err : new TransportError('network', String(err), { cause: err });
    }
    const report: AttemptReport = { attempt, url, ms: env.now() - began };
    if (answer) report.status = answer.status;
    if (error) report.error = error;

    if (answer && answer.status >= 200 && answer.status < 300) {
      onAttempt(report);
      return { kind: 'ok', answer, attempts: attempt };
    }
    if (answer && !isRetryableStatus(answer.status)) {
      onAttempt(report);
      return { kind: 'refused', answer, attempts: attempt };
    }
    if (error?.kind === 'aborted' || signal?.aborted) {
      onAttempt(report);
      return { kind: 'aborted', answer, error, attempts: attempt };
    }
    const retryAfterMs = answer ? parseRetryAfter(answer.headers['retry-after'], env.now()) : undefined;
    const delay = retryDelayMs(attempt, options, retryAfterMs, env.random);
    if (attempt >= options.maxAttempts || env.now() + delay - startedAt > options.maxElapsedMs) {
      onAttempt(report);
      return { kind: 'gave-up', answer, error, attempts: attempt };
    }
    report.retryInMs = delay;
    onAttempt(report);
    if (!(await env.sleep(delay, signal))) return { kind: 'aborted', answer, error, attempts: attempt };
  }
}
