// Statistics buckets (README "Statistics buckets"), pure: the bucket names, where each bucket of a range
// starts, and how many a range spans.
//  - Sub-day buckets (1m ... 12h, and the original's minute and hour) have a fixed length and start at
//    multiples of it since the Unix epoch, in UTC, whatever `tz`: every bucket is as long as its name
//    says (a daylight-saving change neither merges two 1 h buckets nor makes one 2 h long), and in
//    every zone whose offset is whole hours (nearly all), 1m to 1h buckets start on the local clock's
//    boundaries too. In zones with a half-hour offset (Asia/Kolkata) an hour bucket starts at :30.
//  - Day and week buckets (1d, day, 7d) start at local midnight in `tz` (weeks on Monday), so a day
//    bucket lasts 23 or 25 hours on the days the clocks change.
// Local times come from the ICU time-zone data of Node (Intl), never from PostgreSQL's: the starts are
// computed here and handed to the query, so one zone database decides and the arithmetic is testable.

import { EARLIEST_MS } from '../../shared/src';
import { DAY_MS, HOUR_MS, MINUTE_MS, type RangeSplit, splitRange, type TimeRange } from './time-windows';

export const BUCKETS = [
  'minute',
  'hour',
  'day',
  '1m',
  '5m',
  '15m',
  '30m',
  '1h',
  '3h',
  '6h',
  '12h',
  '1d',
  '7d',
] as const;
export type Bucket = (typeof BUCKETS)[number];

export type BucketKind = { kind: 'fixed'; ms: number } | { kind: 'day' } | { kind: 'week' };

export const BUCKET_KINDS: Readonly<Record<Bucket, BucketKind>> = {
  minute: { kind: 'fixed', ms: MINUTE_MS },
  hour: { kind: 'fixed', ms: HOUR_MS },
  day: { kind: 'day' },
  '1m': { kind: 'fixed', ms: MINUTE_MS },
  '5m': { kind: 'fixed', ms: 5 * MINUTE_MS },
  '15m': { kind: 'fixed', ms: 15 * MINUTE_MS },
  '30m': { kind: 'fixed', ms: 30 * MINUTE_MS },
  '1h': { kind: 'fixed', ms: HOUR_MS },
  '3h': { kind: 'fixed', ms: 3 * HOUR_MS },
  '6h': { kind: 'fixed', ms: 6 * HOUR_MS },
  '12h': { kind: 'fixed', ms: 12 * HOUR_MS },
  '1d': { kind: 'day' },
  '7d': { kind: 'week' },
};

export const isBucket = (text: unknown): text is Bucket => (BUCKETS as readonly unknown[]).includes(text);

/** A local calendar date, as a count of days since 1970-01-01 (negative before). */
type CivilDay = number;

export interface TimeZone {
  /** the name as asked for (what the answer echoes) */
  name: string;
  /** local time minus UTC at the instant `ms`, in ms (whole seconds) */
  offsetAt(ms: number): number;
  /** the local calendar day of the instant `ms` */
  civilDayOf(ms: number): CivilDay;
  /**
   * The first instant of a local calendar day (local midnight, or the end of a gap that swallowed it).
   * `offsetHint`: the offset in force shortly before (the previous day's start), saving a look-up.
   */
  startOfDay(day: CivilDay, offsetHint?: number): number;
}

/** IANA names as Intl takes them: Area/Location, Etc/GMT+5, UTC (no offsets like +01:00). */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;
/** en-US with an era, e.g. "1/31/2026 AD, 23:05:09" (without the era, 1 BC would read as year 1) */
const WALL_CLOCK = /^(\d+)\/(\d+)\/(\d+) (AD|BC), (\d+):(\d+):(\d+)$/;

const floorDiv = (a: number, b: number) => Math.floor(a / b);
/** Epoch ms of 00:00 UTC of a civil day, for any year (Date.UTC maps years 0-99 to 1900-1999). */
const utcMidnight = (day: CivilDay) => day * DAY_MS;
const civilDayOfUtc = (ms: number): CivilDay => floorDiv(ms, DAY_MS);

function utcOfWallClock(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime();
}

const zones = new Map<string, TimeZone | null>();
const MAX_CACHED_ZONES = 500;

/**
 * The zone of an IANA name, or undefined for a name Intl does not know (a 400 for the caller). UTC
 * and its aliases get exact arithmetic without Intl.
 */
export function timeZone(name: string): TimeZone | undefined {
  if (!ZONE_NAME.test(name)) return undefined;
  const cached = zones.get(name);
  if (cached !== undefined) return cached ?? undefined;
  let zone: TimeZone | null;
  try {
    zone = createTimeZone(name);
  } catch {
    zone = null; // RangeError: unknown zone
  }
  if (zones.size >= MAX_CACHED_ZONES) zones.delete(zones.keys().next().value as string);
  zones.set(name, zone);
  return zone ?? undefined;
}

export const UTC: TimeZone = {
  name: 'UTC',
  offsetAt: () => 0,
  civilDayOf: civilDayOfUtc,
  startOfDay: utcMidnight,
};

function createTimeZone(name: string): TimeZone {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: name,
    hourCycle: 'h23',
    era: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  if (format.resolvedOptions().timeZone === 'UTC') return { ...UTC, name };
  // format() is five times faster than formatToParts(), and its en-US shape is fixed
  const offsetAt = (ms: number): number => {
    const m = WALL_CLOCK.exec(format.format(ms));
    if (!m) throw new Error(`unexpected local time format for ${name}`);
    const [mo, d, y, h, mi, s] = [m[1], m[2], m[3], m[5], m[6], m[7]].map(Number);
    const year = m[4] === 'BC' ? 1 - y : y;
    const wholeSecond = ms - (((ms % 1000) + 1000) % 1000);
    return utcOfWallClock(year, mo, d, h, mi, s) - wholeSecond;
  };
  const civilDayOf = (ms: number) => civilDayOfUtc(ms + offsetAt(ms));
  // A day's start t satisfies t + offsetAt(t) = its UTC midnight. With the offset of the day before
  // that is one Intl call when no clock change is near (two offset changes within a day do not occur);
  // near one, each offset in force around it is tried.
  const startOfDay = (day: CivilDay, offsetHint?: number): number => {
    const wall = utcMidnight(day);
    const before = offsetHint ?? offsetAt(wall - DAY_MS);
    const guess = wall - before;
    if (offsetAt(guess) === before) return guess;
    const after = offsetAt(wall + DAY_MS);
    // the earliest of the instants whose local time is midnight (an ambiguous midnight: the first)
    const valid = [wall - before, wall - after].filter((t) => t + offsetAt(t) === wall).sort((a, b) => a - b);
    if (valid.length) return valid[0];
    // Midnight fell into a gap (clocks jumped past it): the day starts at the jump, found to the second.
    let lo = wall - Math.max(before, after);
    let hi = wall - Math.min(before, after);
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (civilDayOf(mid) >= day) hi = mid;
      else lo = mid;
    }
    return hi;
  };
  return { name, offsetAt, civilDayOf, startOfDay };
}

/** Monday of the ISO week holding a civil day (1970-01-01 was a Thursday). */
const mondayOf = (day: CivilDay): CivilDay => day - ((((day + 3) % 7) + 7) % 7);

/**
 * How many buckets the range touches, partial first and last ones included (a local day a zone skipped,
 * like Samoa's 30 December 2011, counts too: this bounds the work). Cheap for any range.
 */
export function bucketCount(range: TimeRange, bucket: Bucket, zone: TimeZone = UTC): number {
  if (range.to <= range.from) return 0;
  const kind = BUCKET_KINDS[bucket];
  if (kind.kind === 'fixed') return floorDiv(range.to - 1, kind.ms) - floorDiv(range.from, kind.ms) + 1;
  const first = zone.civilDayOf(range.from);
  const last = zone.civilDayOf(range.to - 1);
  if (kind.kind === 'day') return last - first + 1;
  return (mondayOf(last) - mondayOf(first)) / 7 + 1;
}

/**
 * The start of every bucket the range touches, ascending: the first at or before `range.from`, each
 * next one where the previous ends, the last before `range.to`. Call it for ranges bucketCount allows
 * (the caller bounds the count). A start before year 1 (a day starting in a zone west of UTC on
 * 0001-01-01) is given as year 1, where the range itself starts at the earliest.
 */
export function bucketStarts(range: TimeRange, bucket: Bucket, zone: TimeZone = UTC): number[] {
  const starts: number[] = [];
  if (range.to <= range.from) return starts;
  const kind = BUCKET_KINDS[bucket];
  if (kind.kind === 'fixed') {
    for (let t = floorDiv(range.from, kind.ms) * kind.ms; t < range.to; t += kind.ms) starts.push(t);
  } else {
    const step = kind.kind === 'day' ? 1 : 7;
    const firstDay = zone.civilDayOf(range.from);
    let day = kind.kind === 'day' ? firstDay : mondayOf(firstDay);
    for (let t = zone.startOfDay(day); t < range.to;) {
      // a start that does not advance (two clock changes within a day) is skipped, never repeated
      if (!starts.length || t > starts[starts.length - 1]) starts.push(t);
      day += step;
      t = zone.startOfDay(day, zone.offsetAt(t));
    }
  }
  if (starts[0] < EARLIEST_MS) starts[0] = EARLIEST_MS;
  return starts;
}

/** Whether every start after the first is on a whole UTC minute, so no rollup minute straddles two buckets. */
export const minuteAligned = (starts: readonly number[]): boolean =>
  starts.every((t, i) => i === 0 || t % MINUTE_MS === 0);

/** Day and week starts of every zone in use today are on quarter hours (offsets like +05:45 included). */
export const PRE_BIN_MS = 15 * MINUTE_MS;

/**
 * How the query groups the readings into buckets:
 *  - `interval`: fixed buckets, grouped by PostgreSQL's date_bin (plain arithmetic, the fast path);
 *  - `starts`: day and week buckets, each reading (or rollup minute) placed among the starts by
 *    width_bucket; when every start is on a quarter hour the rows are first summed per quarter hour,
 *    so the search runs per quarter hour rather than per minute.
 */
export type BucketGrouping =
  { by: 'interval'; ms: number } | { by: 'starts'; starts: number[]; preBinMs: number | null };

export interface StatisticsPlan {
  /** what is read from the rollups and what from the raw readings */
  split: RangeSplit;
  grouping: BucketGrouping;
}

/**
 * The plan of a statistics query: the range's whole minutes from the rollups and its partial edge
 * minutes from the raw readings, unless a bucket starts inside a minute (a local mean time, before
 * time zones had whole-minute offsets): then a rollup minute would straddle two buckets, and every
 * reading of the range is read raw, so the answer stays exact.
 */
export function statisticsPlan(range: TimeRange, bucket: Bucket, zone: TimeZone = UTC): StatisticsPlan {
  const kind = BUCKET_KINDS[bucket];
  if (kind.kind === 'fixed') return { split: splitRange(range), grouping: { by: 'interval', ms: kind.ms } };
  const starts = bucketStarts(range, bucket, zone);
  const split = minuteAligned(starts) ? splitRange(range) : { raw: range.to > range.from ? [range] : [] };
  const quarterHours = starts.every((t) => t % PRE_BIN_MS === 0);
  return { split, grouping: { by: 'starts', starts, preBinMs: quarterHours ? PRE_BIN_MS : null } };
}
