// Rate pacing of the simulator. Pure. Request i of a paced run is due at i / requestsPerSecond after
// the start (an open schedule: a request that could not start on time because every connection was
// busy starts as soon as one frees up, and the ones after it keep their own due times, so a slow
// moment is caught up instead of silently lowering the rate). Unpaced (rate 0): every request is due
// at once and the run ends at its duration.

export interface Pacer {
  /** requests per second; 0 when unpaced */
  readonly requestsPerSecond: number;
  /** ms after the start at which request `index` (0-based) is due */
  dueAtMs(index: number): number;
  /** true when request `index` must not be sent: past the schedule, or past the duration when unpaced */
  isFinished(index: number, elapsedMs: number): boolean;
  /** requests of the whole schedule; undefined when unpaced (as many as fit in the duration) */
  readonly plannedRequests: number | undefined;
}

/**
 * `readingsPerSecond` 0 means as fast as possible. A rate that is not a multiple of the readings per
 * request is kept on average (fractional requests per second).
 */
export function createPacer(options: {
  readingsPerSecond: number;
  readingsPerRequest: number;
  durationMs: number;
}): Pacer {
  const { readingsPerSecond, readingsPerRequest, durationMs } = options;
  if (!(readingsPerRequest > 0)) throw new Error('readingsPerRequest must be positive');
  if (!(readingsPerSecond >= 0)) throw new Error('readingsPerSecond must be 0 or more');
  const requestsPerSecond = readingsPerSecond / readingsPerRequest;
  if (requestsPerSecond === 0) {
    return {
      requestsPerSecond: 0,
      dueAtMs: () => 0,
      isFinished: (_index, elapsedMs) => elapsedMs >= durationMs,
      plannedRequests: undefined,
    };
  }
  const plannedRequests = Math.floor((requestsPerSecond * durationMs) / 1000);
  return {
    requestsPerSecond,
    dueAtMs: (index) => (index * 1000) / requestsPerSecond,
    isFinished: (index) => index >= plannedRequests,
    plannedRequests,
  };
}

/** How long to wait before sending a request due at `dueAtMs` when `elapsedMs` have passed (0: now). */
export function waitBeforeMs(dueAtMs: number, elapsedMs: number): number {
  return Math.max(0, dueAtMs - elapsedMs);
}
