// Latency figures. Pure.
//  - createLatencyHistogram: log-bucketed (each bucket 1% wider than the last), so a simulator running
//    for hours at thousands of requests per second keeps constant memory; percentiles are within 1%.
//  - percentile: exact nearest-rank percentile of a (small) list of values.

/** Smallest value told apart from 0, in ms (1 µs). */
const MIN_MS = 0.001;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);

export interface LatencySummary {
  count: number;
  mean: number;
  min: number;
  max: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface LatencyHistogram {
  record(ms: number): void;
  readonly count: number;
  /** nearest-rank percentile (0 < p <= 100), within 1% of the exact value; 0 when empty */
  percentile(p: number): number;
  summary(): LatencySummary;
}

export function bucketIndex(ms: number): number {
  if (!(ms > MIN_MS)) return 0;
  return Math.ceil(Math.log(ms / MIN_MS) / LOG_GROWTH);
}

/** Upper bound of a bucket: every value in bucket i is <= this. */
export function bucketUpperBound(index: number): number {
  return MIN_MS * GROWTH ** index;
}

export function createLatencyHistogram(): LatencyHistogram {
  const counts: number[] = [];
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;

  const percentileOf = (p: number): number => {
    if (count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * count));
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i] ?? 0;
      if (seen >= rank) return Math.min(max, Math.max(min, bucketUpperBound(i)));
    }
    return max;
  };

  return {
    record(ms) {
      if (!Number.isFinite(ms) || ms < 0) return;
      const i = bucketIndex(ms);
      while (counts.length <= i) counts.push(0);
      counts[i] += 1;
      count += 1;
      sum += ms;
      if (ms < min) min = ms;
      if (ms > max) max = ms;
    },
    get count() {
      return count;
    },
    percentile: percentileOf,
    summary() {
      return {
        count,
        mean: count ? sum / count : 0,
        min: count ? min : 0,
        max,
        p50: percentileOf(50),
        p95: percentileOf(95),
        p99: percentileOf(99),
      };
    },
  };
}

/** Exact nearest-rank percentile (0 < p <= 100) of `values`; 0 when empty. Does not modify `values`. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** The median (nearest rank, the lower middle of an even count). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function summarize(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { count: 0, mean: 0, min: 0, max: 0, p50: 0, p95: 0, p99: 0 };
  // a loop, not Math.min(...values): spreading hundreds of thousands of arguments overflows the stack
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
  return { count: values.length, mean: sum / values.length, min, max, p50: at(50), p95: at(95), p99: at(99) };
}
