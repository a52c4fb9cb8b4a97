// Glob patterns of sensor ids (a gateway's token covers `site-7-*`): `*` is any run of characters,
// everything else is literal. Pure.

/** The sensor-id characters plus `*`. */
export const SENSOR_PATTERN = /^[A-Za-z0-9._:*-]{1,128}$/;
export const MAX_PATTERNS = 100;

/**
 * Whether `text` matches `pattern`, in O(length × pattern length) at worst: the classic wildcard walk
 * that only ever backtracks to the last `*`. (A pattern turned into a regular expression of `.*` runs
 * can take exponential time on a hostile pattern like `*a*a*a*a*a*b`; this cannot.)
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

/** A matcher for a token's patterns; no pattern matches nothing. */
export function sensorPatternMatcher(patterns: readonly string[]): (sensorId: string) => boolean {
  if (patterns.includes('*')) return () => true;
  return (sensorId) => patterns.some((pattern) => globMatches(pattern, sensorId));
}

/** Problems of a `sensors` list as given to the tokens API: [] when it is fine. */
export function sensorPatternProblems(value: unknown): Array<{ field: string; message: string }> {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PATTERNS) {
    return [{ field: 'sensors', message: `must be an array of 1 to ${MAX_PATTERNS} patterns` }];
  }
  return value.flatMap((p: unknown, i) =>
    typeof p === 'string' && SENSOR_PATTERN.test(p)
      ? []
      : [{ field: `sensors[${i}]`, message: 'must be 1-128 characters of A-Z a-z 0-9 . _ : - and * (any run)' }],
  );
}
