// The sensor patterns of a sensor token (a gateway's token covers `site-7-*`), globs of sensor-glob.ts.
// Pure.
import { SENSOR_GLOB, SENSOR_GLOB_RULE, sensorGlobMatcher } from '../sensor-glob';

export { globMatches } from '../sensor-glob';
export const MAX_PATTERNS = 100;

/** A matcher for a token's patterns; no pattern matches nothing. */
export function sensorPatternMatcher(patterns: readonly string[]): (sensorId: string) => boolean {
  return sensorGlobMatcher(patterns, false);
}

/** Problems of a `sensors` list as given to the tokens API: [] when it is fine. */
export function sensorPatternProblems(value: unknown): Array<{ field: string; message: string }> {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PATTERNS) {
    return [{ field: 'sensors', message: `must be an array of 1 to ${MAX_PATTERNS} patterns` }];
  }
  return value.flatMap((p: unknown, i) =>
    typeof p === 'string' && SENSOR_GLOB.test(p) ? [] : [{ field: `sensors[${i}]`, message: SENSOR_GLOB_RULE }],
  );
}
