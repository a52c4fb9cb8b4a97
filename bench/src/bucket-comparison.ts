// Do the assessor's statistics buckets equal those computed from the raw readings? Pure.

export interface BucketFigures {
  /** bucket start, epoch ms */
  start: number;
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Sums may differ in the last bits (added in another order); counts, minima and maxima may not. */
export function sameBuckets(api: readonly BucketFigures[], raw: readonly BucketFigures[]): boolean {
  if (api.length !== raw.length) return false;
  return api.every((a, i) => {
    const b = raw[i];
    return a.start === b.start && a.count === b.count && close(a.sum, b.sum) && a.min === b.min && a.max === b.max;
  });
}
