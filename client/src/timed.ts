// The function metrics collector of the seed, without its singleton: a wrapper that times each call
// of a function, sync or async, and hands `<name>_duration_ms`, `<name>_calls` and `<name>_errors` to
// whatever records them (the client's buffer, which batches by count and time). Pure but for the clock.

export interface TimedOptions {
  /** the sensor the readings are recorded under (default: the client's `sensorId`) */
  sensorId?: string;
}

/** `<name>_duration_ms` must be a metric name: `[a-z][a-z0-9_]*` of at most 64 characters. */
const TIMED_NAME = /^[a-z][a-z0-9_]{0,51}$/;

export type TimedRecorder = (metrics: Record<string, number>, at: number) => void;

export function wrapTimed<A extends unknown[], R>(
  name: string,
  fn: (...args: A) => R,
  record: TimedRecorder,
  clock: { now(): number; wall(): number } = { now: () => performance.now(), wall: Date.now },
): (...args: A) => R {
  if (!TIMED_NAME.test(name)) {
    throw new RangeError(`timed name ${JSON.stringify(name)} must be 1-52 characters of [a-z][a-z0-9_]*`);
  }
  const duration = `${name}_duration_ms`;
  const calls = `${name}_calls`;
  const errors = `${name}_errors`;
  const done = (at: number, started: number, failed: boolean) => {
    // a recording problem (a closed client) must never change what the wrapped function does
    try {
      record(
        { [duration]: Math.round((clock.now() - started) * 1000) / 1000, [calls]: 1, [errors]: failed ? 1 : 0 },
        at,
      );
    } catch {
      // nothing to do: the reading is lost, the call is not
    }
  };
  return function (this: unknown, ...args: A): R {
    const at = clock.wall();
    const started = clock.now();
    let result: R;
    try {
      result = fn.apply(this, args);
    } catch (err) {
      done(at, started, true);
      throw err;
    }
    if (isThenable(result)) {
      // the caller gets the very promise fn returned; timing hangs off it without touching its outcome
      result.then(
        () => done(at, started, false),
        () => done(at, started, true),
      );
      return result;
    }
    done(at, started, false);
    return result;
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
