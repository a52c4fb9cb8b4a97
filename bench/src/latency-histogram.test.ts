import {
  bucketIndex,
  bucketUpperBound,
  createLatencyHistogram,
  median,
  percentile,
  summarize,
} from './latency-histogram';

describe('latency-histogram', () => {
  it('when values are recorded, then percentiles are within 1% of the exact nearest-rank values', () => {
    const h = createLatencyHistogram();
    const values = Array.from({ length: 10_000 }, (_, i) => 0.5 + i * 0.37);
    for (const v of values) h.record(v);
    for (const p of [50, 95, 99, 99.9]) {
      const exact = percentile(values, p);
      expect(Math.abs(h.percentile(p) - exact) / exact).toBeLessThanOrEqual(0.01);
    }
    const s = h.summary();
    expect(s.count).toBe(10_000);
    expect(s.min).toBe(0.5);
    expect(s.max).toBeCloseTo(0.5 + 9999 * 0.37);
  });

  it('when nothing was recorded, then every figure is 0', () => {
    expect(createLatencyHistogram().summary()).toEqual({ count: 0, mean: 0, min: 0, max: 0, p50: 0, p95: 0, p99: 0 });
  });

  it('when a value is negative or not finite, then it is ignored', () => {
    const h = createLatencyHistogram();
    h.record(-1);
    h.record(Number.NaN);
    h.record(5);
    expect(h.count).toBe(1);
    expect(h.percentile(99)).toBe(5);
  });

  it('when a value is put in a bucket, then the bucket bound is at least the value and under 1% above', () => {
    for (const v of [0.002, 0.5, 3, 250, 59_999]) {
      const bound = bucketUpperBound(bucketIndex(v));
      expect(bound).toBeGreaterThanOrEqual(v * (1 - 1e-12));
      expect(bound).toBeLessThan(v * 1.0101);
    }
  });

  it('when exact percentiles are asked, then nearest rank is used and the input is left unsorted', () => {
    const values = [5, 1, 4, 2, 3];
    expect(percentile(values, 50)).toBe(3);
    expect(percentile(values, 99)).toBe(5);
    expect(percentile(values, 1)).toBe(1);
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(values).toEqual([5, 1, 4, 2, 3]);
    expect(percentile([], 50)).toBe(0);
  });

  it('when a large list is summarized, then it does not overflow the stack', () => {
    const values = Array.from({ length: 300_000 }, (_, i) => i);
    const s = summarize(values);
    expect(s).toMatchObject({ count: 300_000, min: 0, max: 299_999, p50: 149_999 });
  });
});
