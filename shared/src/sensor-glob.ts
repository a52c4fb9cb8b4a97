// Glob patterns of sensor ids, one implementation for every place that takes them: a rule's `sensors`
// (rule-set.ts), a sensor token's `sensors` (auth/sensor-patterns.ts) and the dashboard's threshold
// lines. `*` is any run of characters, everything else is literal. Pure, no imports: the dashboard's
// bundle takes it as it is.

/** The sensor-id characters plus `*`, 1 to 128 of them. */
export const SENSOR_GLOB = /^[A-Za-z0-9._:*-]{1,128}$/;
export const SENSOR_GLOB_RULE = 'must be 1-128 characters of A-Z a-z 0-9 . _ : - and * (any run of characters)';

/**
 * Whether `text` matches `pattern`, in O(length × pattern length) at worst: the classic wildcard walk
 * that only ever backtracks to the last `*`. (A pattern turned into a regular expression of `.*` runs
 * takes time exponential in its stars on a hostile pattern like `*a*a*a*a*a*b`; this cannot.)
 */
export function globMatches(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p += 1;
      t += 1;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p;
      resume = t;
      p += 1;
    } else if (star >= 0) {
      p = star + 1;
      resume += 1;
      t = resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p += 1;
  return p === pattern.length;
}

/** A matcher of sensor ids for a list of patterns; what an empty list means is the caller's. */
export function sensorGlobMatcher(patterns: readonly string[], emptyMatches: boolean): (sensorId: string) => boolean {
  if (patterns.length === 0) return () => emptyMatches;
  if (patterns.includes('*')) return () => true;
  return (sensorId) => patterns.some((pattern) => globMatches(pattern, sensorId));
}
