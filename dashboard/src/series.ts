// Statistics buckets → the columns a timeline draws (uPlot's aligned arrays, x in seconds), and live
// readings merged into them. Buckets without readings are absent from the API's answer; a null is put
// in the gap so the line breaks there instead of drawing a slope across a silence. Pure.

export interface StatBucket {
  start: string;
  count: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  sum: number;
}

/** One bucket as the chart keeps it: count and sum so a live reading can update the average exactly. */
export interface Point {
  start: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

export interface Columns {
  x: number[];
  avg: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

export function pointsOf(buckets: readonly StatBucket[]): Point[] {
  const points: Point[] = [];
  for (const b of buckets) {
    const start = Date.parse(b.start);
    if (!Number.isFinite(start) || b.count <= 0 || b.min === null || b.max === null) continue;
    points.push({ start, count: b.count, sum: b.sum, min: b.min, max: b.max });
  }
  return points.sort((a, b) => a.start - b.start);
}

/** The columns of the points, with a null after any bucket whose successor is not adjacent. */
export function columnsOf(points: readonly Point[], bucketMs: number): Columns {
  const c: Columns = { x: [], avg: [], min: [], max: [] };
  points.forEach((p, i) => {
    c.x.push(p.start / 1000);
    c.avg.push(p.sum / p.count);
    c.min.push(p.min);
    c.max.push(p.max);
    const next = points[i + 1];
    if (next && next.start - p.start > bucketMs * 1.5) {
      c.x.push((p.start + bucketMs) / 1000);
      c.avg.push(null);
      c.min.push(null);
      c.max.push(null);
    }
  });
  return c;
}

/** Points drawn: the buckets with a value (gap markers excluded). */
export const drawnPoints = (c: Columns): number => c.avg.filter((v) => v !== null).length;

/**
 * A live reading added to the points (in place; returns whether anything changed). It lands in the
 * bucket holding `at`, a new one when there is none, aligned on the grid of the existing buckets
 * (which keeps the server's alignment, time zone included), or on UTC when there are none yet.
 */
export function addReading(points: Point[], at: number, value: number, bucketMs: number): boolean {
  if (!Number.isFinite(at) || !Number.isFinite(value)) return false;
  const last = points[points.length - 1];
  const start = last
    ? last.start + Math.floor((at - last.start) / bucketMs) * bucketMs
    : Math.floor(at / bucketMs) * bucketMs;
  let point = points.find((p) => p.start === start);
  if (!point) {
    point = { start, count: 0, sum: 0, min: value, max: value };
    points.push(point);
    points.sort((a, b) => a.start - b.start);
  }
  point.count += 1;
  point.sum += value;
  point.min = Math.min(point.min, value);
  point.max = Math.max(point.max, value);
  return true;
}

/** Drops the points that fell out of a sliding frame. */
export function dropBefore(points: Point[], from: number, bucketMs: number): void {
  while (points.length && points[0].start + bucketMs <= from) points.shift();
}
