// Retrying an operation on a dependency that is down (Redis, PostgreSQL, Kafka) without giving up the
// work in hand: exponential backoff with jitter, capped, until it succeeds or the caller stops.
// Consumers use it inside a batch, calling `heartbeat` so the group does not evict them meanwhile.

export interface RetryOptions {
  /** first wait, ms */
  initialMs?: number;
  /** longest wait, ms */
  maxMs?: number;
  /** stop retrying (and rethrow) when this says false, e.g. on shutdown or a lost partition */
  shouldContinue?: () => boolean;
  /** errors that retrying cannot fix are rethrown at once */
  isRetryable?: (err: unknown) => boolean;
  onRetry?: (err: unknown, attempt: number, waitMs: number) => void;
  /** called while waiting */
  heartbeat?: () => Promise<void>;
}

export async function retryUntilDone<T>(operation: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { initialMs = 100, maxMs = 5000, shouldContinue = () => true, isRetryable = () => true } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (err) {
      if (!isRetryable(err) || !shouldContinue()) throw err;
      const waitMs = backoffMs(attempt, initialMs, maxMs);
      options.onRetry?.(err, attempt, waitMs);
      await options.heartbeat?.().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/** Exponential, capped, with ±25% jitter so instances that failed together do not retry together. */
export function backoffMs(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(base * (0.75 + random() * 0.5));
}
