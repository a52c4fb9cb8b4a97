// Waiting for the pipeline without fixed sleeps: poll a probe until it answers what we expect or the
// time is up, then fail with the last value seen. A DependencyError ends the wait at once.
import { isDeepStrictEqual } from 'node:util';
import { DependencyError } from './dependency-error';

export interface WaitOptions {
  /** what is awaited, for the failure message: "the Redis counter of sensor x" */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
}

/**
 * Calls `read` until `accept` holds for its value; returns that value. On timeout, throws an Error
 * naming `what` and the last value read (or the last error `read` threw).
 */
export async function waitUntil<T>(
  read: () => Promise<T> | T,
  accept: (value: T) => boolean,
  options: WaitOptions,
): Promise<T> {
  const { what, timeoutMs, intervalMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  let last: { value: T } | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await read();
      if (accept(value)) return value;
      last = { value };
      lastError = undefined;
    } catch (err) {
      if (err instanceof DependencyError) throw err;
      lastError = err;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      const seen = lastError
        ? `last attempt failed: ${(lastError as Error).message ?? String(lastError)}`
        : `last value: ${last ? describe(last.value) : 'none'}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, left)));
  }
}

/** Waits until `read` returns a value deeply equal to `expected`. */
export function waitForEqual<T>(read: () => Promise<T> | T, expected: T, options: WaitOptions): Promise<T> {
  return waitUntil(read, (value) => isDeepStrictEqual(value, expected), {
    ...options,
    what: `${options.what} to be ${describe(expected)}`,
  });
}

/** Waits until `condition` returns true. */
export async function waitFor(condition: () => Promise<boolean> | boolean, options: WaitOptions): Promise<void> {
  await waitUntil(condition, (ok) => ok, options);
}

export function describe(value: unknown, max = 600): string {
  let text: string;
  try {
    // Maps (per-sensor results) print as objects
    text =
      value === undefined
        ? 'undefined'
        : JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v));
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
