import { sameBuckets } from './bucket-comparison';

const bucket = (start: number, sum: number) => ({ start, count: 3600, sum, min: 10, max: 30 });

describe('bucket-comparison', () => {
  it('when sums differ in the last bits only, then the buckets are the same', () => {
    expect(sameBuckets([bucket(0, 72_000 + 1e-11)], [bucket(0, 72_000)])).toBe(true);
  });

  it('when a count, a bound or the number of buckets differs, then they are not', () => {
    expect(sameBuckets([{ ...bucket(0, 1), count: 3599 }], [bucket(0, 1)])).toBe(false);
    expect(sameBuckets([{ ...bucket(0, 1), max: 31 }], [bucket(0, 1)])).toBe(false);
    expect(sameBuckets([bucket(0, 1)], [bucket(0, 1), bucket(1, 1)])).toBe(false);
    expect(sameBuckets([bucket(0, 1)], [bucket(0, 1.1)])).toBe(false);
  });
});
