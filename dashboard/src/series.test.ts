import { addReading, columnsOf, drawnPoints, dropBefore, pointsOf, type StatBucket } from './series';

const MIN = 60_000;
const T0 = Date.parse('2026-11-22T10:00:00Z');
const bucket = (offsetMin: number, values: number[]): StatBucket => ({
  start: new Date(T0 + offsetMin * MIN).toISOString(),
  count: values.length,
  min: Math.min(...values),
  max: Math.max(...values),
  avg: values.reduce((a, b) => a + b, 0) / values.length,
  sum: values.reduce((a, b) => a + b, 0),
});

describe('timeline columns', () => {
  it('are the average, min and max per bucket, x in seconds, oldest first', () => {
    const c = columnsOf(pointsOf([bucket(1, [4, 6]), bucket(0, [1, 2, 3])]), MIN);
    expect(c).toEqual({ x: [T0 / 1000, (T0 + MIN) / 1000], avg: [2, 5], min: [1, 4], max: [3, 6] });
    expect(drawnPoints(c)).toBe(2);
  });

  it('when buckets are missing between two, then a null breaks the line there', () => {
    const c = columnsOf(pointsOf([bucket(0, [1]), bucket(5, [2])]), MIN);
    expect(c.avg).toEqual([1, null, 2]);
    expect(c.x[1]).toBe((T0 + MIN) / 1000);
    expect(drawnPoints(c)).toBe(2);
  });

  it('when a bucket is empty or malformed, then it is left out', () => {
    const empty: StatBucket = { start: new Date(T0).toISOString(), count: 0, min: null, max: null, avg: null, sum: 0 };
    expect(pointsOf([empty, { ...bucket(1, [1]), start: 'nonsense' }])).toEqual([]);
  });
});

describe('live readings merged into the points', () => {
  it('when a reading falls in the last bucket, then its average, min and max take it in exactly', () => {
    const points = pointsOf([bucket(0, [10, 20])]);
    expect(addReading(points, T0 + 30_000, 60, MIN)).toBe(true);
    expect(points).toEqual([{ start: T0, count: 3, sum: 90, min: 10, max: 60 }]);
    expect(columnsOf(points, MIN).avg).toEqual([30]);
  });

  it('when a reading is later than the last bucket, then a new bucket on the same grid holds it', () => {
    const points = pointsOf([bucket(0, [10])]);
    addReading(points, T0 + 3 * MIN + 5_000, 7, MIN);
    expect(points.map((p) => p.start)).toEqual([T0, T0 + 3 * MIN]);
  });

  it('when there are no buckets yet, then the first reading starts one aligned on UTC', () => {
    const points = pointsOf([]);
    addReading(points, T0 + 42_000, 1, MIN);
    expect(points).toEqual([{ start: T0, count: 1, sum: 1, min: 1, max: 1 }]);
  });

  it('when a value is not finite, then nothing changes', () => {
    const points = pointsOf([]);
    expect(addReading(points, T0, Number.NaN, MIN)).toBe(false);
    expect(addReading(points, Number.NaN, 1, MIN)).toBe(false);
    expect(points).toEqual([]);
  });

  it('dropBefore removes the buckets that slid out of the frame', () => {
    const points = pointsOf([bucket(0, [1]), bucket(1, [2]), bucket(2, [3])]);
    dropBefore(points, T0 + MIN + 1, MIN);
    expect(points.map((p) => p.start)).toEqual([T0 + MIN, T0 + 2 * MIN]);
  });
});
