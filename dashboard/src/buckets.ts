// Granularity of a timeline: the statistics bucket. "Automatic" is the finest bucket that gives at
// most MAX_POINTS points over the frame, so a 30-day chart stays quick and a 1-hour chart shows every
// minute. Servers that predate the duration buckets (1m 5m ... 7d) know only minute, hour and day:
// the dashboard learns that from the 400 of its first request and then picks among those. Pure.
import { DAY, HOUR, MINUTE } from './time-range';

export const MAX_POINTS = 1000;

export interface BucketChoice {
  name: string;
  ms: number;
}

export const DURATION_BUCKETS: readonly BucketChoice[] = [
  { name: '1m', ms: MINUTE },
  { name: '5m', ms: 5 * MINUTE },
  { name: '15m', ms: 15 * MINUTE },
  { name: '30m', ms: 30 * MINUTE },
  { name: '1h', ms: HOUR },
  { name: '3h', ms: 3 * HOUR },
  { name: '6h', ms: 6 * HOUR },
  { name: '12h', ms: 12 * HOUR },
  { name: '1d', ms: DAY },
  { name: '7d', ms: 7 * DAY },
];

export const LEGACY_BUCKETS: readonly BucketChoice[] = [
  { name: 'minute', ms: MINUTE },
  { name: 'hour', ms: HOUR },
  { name: 'day', ms: DAY },
];

/** How many buckets a frame touches (partial ones at the edges included). */
export const pointsFor = (frameMs: number, bucketMs: number): number => Math.ceil(frameMs / bucketMs) + 1;

/** The finest bucket giving at most `maxPoints` points; the coarsest when none does. */
export function autoBucket(frameMs: number, buckets: readonly BucketChoice[], maxPoints = MAX_POINTS): BucketChoice {
  return buckets.find((b) => pointsFor(frameMs, b.ms) <= maxPoints) ?? buckets[buckets.length - 1];
}

/**
 * The bucket to ask for: the chosen one when the server knows it and the frame does not make it
 * exceed `maxBuckets` (the server's limit), else the automatic one.
 */
export function resolveBucket(
  chosen: string | undefined,
  frameMs: number,
  buckets: readonly BucketChoice[],
  maxBuckets = 5000,
): { bucket: BucketChoice; auto: boolean; refused?: string } {
  const auto = autoBucket(frameMs, buckets);
  if (!chosen || chosen === 'auto') return { bucket: auto, auto: true };
  const wanted = buckets.find((b) => b.name === chosen);
  if (!wanted) return { bucket: auto, auto: true, refused: `${chosen} is not a bucket this server knows` };
  if (pointsFor(frameMs, wanted.ms) > maxBuckets) {
    return { bucket: auto, auto: true, refused: `${chosen} buckets are too many for this range` };
  }
  return { bucket: wanted, auto: false };
}

/** Day and week buckets are aligned to a time zone (local midnight); shorter ones do not need one. */
export const needsTimeZone = (bucket: BucketChoice): boolean => bucket.ms >= DAY;
