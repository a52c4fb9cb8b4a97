import { autoBucket, DURATION_BUCKETS, LEGACY_BUCKETS, MAX_POINTS, pointsFor, resolveBucket } from './buckets';
import { DAY, HOUR } from './time-range';

describe('granularity', () => {
  it.each([
    [HOUR, '1m'],
    [6 * HOUR, '1m'],
    [DAY, '5m'],
    [7 * DAY, '15m'],
    [30 * DAY, '1h'],
    [365 * DAY, '12h'],
  ])('automatic over %d ms is %s: the finest with at most 1,000 points', (frame, name) => {
    const bucket = autoBucket(frame, DURATION_BUCKETS);
    expect(bucket.name).toBe(name);
    expect(pointsFor(frame, bucket.ms)).toBeLessThanOrEqual(MAX_POINTS);
  });

  it('on a server with minute, hour and day only, automatic picks among those', () => {
    expect(autoBucket(HOUR, LEGACY_BUCKETS).name).toBe('minute');
    expect(autoBucket(DAY, LEGACY_BUCKETS).name).toBe('hour');
    expect(autoBucket(30 * DAY, LEGACY_BUCKETS).name).toBe('hour');
    expect(autoBucket(3 * 365 * DAY, LEGACY_BUCKETS).name).toBe('day');
  });

  it('a chosen bucket is used unless the server does not know it or it makes too many points', () => {
    expect(resolveBucket('1h', DAY, DURATION_BUCKETS)).toEqual({ bucket: DURATION_BUCKETS[4], auto: false });
    expect(resolveBucket('auto', DAY, DURATION_BUCKETS).auto).toBe(true);
    expect(resolveBucket('1h', DAY, LEGACY_BUCKETS).refused).toMatch(/not a bucket/);
    expect(resolveBucket('1m', 30 * DAY, DURATION_BUCKETS).refused).toMatch(/too many/);
  });
});
