// Time arithmetic of the assessor, pure and in UTC epoch milliseconds: rolling windows measured back
// from now, and the split of a range into whole minutes (answered from the readings_minute rollups)
// and the partial minutes at its edges (answered from the raw readings). Statistics buckets are in
// statistics-buckets.ts.
// The parts of a split are disjoint and cover the range exactly, so nothing is missed or counted twice.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** A half-open range [from, to) of epoch milliseconds. */
export interface TimeRange {
  from: number;
  to: number;
}

export interface RangeSplit {
  /** whole minutes [from, to), both minute-aligned, served from readings_minute; absent when none */
  minutes?: TimeRange;
  /** at most two partial-minute spans (before and after the whole minutes), served from readings */
  raw: TimeRange[];
}

export const floorTo = (ms: number, size: number): number => Math.floor(ms / size) * size;
export const ceilTo = (ms: number, size: number): number => Math.ceil(ms / size) * size;

/**
 * The window of `lengthMs` ending at `now`, both ends included: (now - length, now]. As a half-open
 * range that is [now - length + 1, now + 1). Readings stamped in the future are outside it.
 */
export function rollingWindow(now: number, lengthMs: number): TimeRange {
  return { from: now - lengthMs + 1, to: now + 1 };
}

/** The rolling windows of the compat measurements endpoint. */
export const MEASUREMENT_WINDOWS = {
  averageLastHour: HOUR_MS,
  averageLast7Days: 7 * DAY_MS,
  maxLast30Days: 30 * DAY_MS,
} as const;

/** Splits [from, to) into the whole minutes inside it and the raw spans before and after them. */
export function splitRange(range: TimeRange): RangeSplit {
  const { from, to } = range;
  if (to <= from) return { raw: [] };
  const firstWhole = ceilTo(from, MINUTE_MS);
  const endWhole = floorTo(to, MINUTE_MS);
  if (firstWhole >= endWhole) return { raw: [{ from, to }] };
  const raw: TimeRange[] = [];
  if (from < firstWhole) raw.push({ from, to: firstWhole });
  if (endWhole < to) raw.push({ from: endWhole, to });
  return { minutes: { from: firstWhole, to: endWhole }, raw };
}
