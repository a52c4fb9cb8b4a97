// Which rules of the rule set watch a sensor's metric (for the threshold lines of its timeline): the
// rule's metric, and its sensor globs (`*` any run of characters; none: every sensor). Pure.
import { sensorGlobMatcher } from '../../shared/src/sensor-glob';

export interface RuleView {
  name?: string;
  kind?: string;
  metric?: string;
  comparison?: string;
  threshold?: number;
  clearThreshold?: number;
  severity?: string;
  sensors?: string[];
  [field: string]: unknown;
}

export function rulesFor(rules: readonly RuleView[], sensorId: string, metric: string): RuleView[] {
  return rules.filter(
    (r) =>
      (r.kind ?? 'threshold') === 'threshold' &&
      r.metric === metric &&
      typeof r.threshold === 'number' &&
      sensorGlobMatcher(r.sensors ?? [], true)(sensorId),
  );
}

/**
 * Thresholds known from a metric's events (each event names its rule and threshold), for a server
 * without the rules API: one line per (rule, threshold), the comparison unknown.
 */
export function thresholdsFromEvents(
  events: ReadonlyArray<{ metric?: unknown; rule?: unknown; threshold?: unknown }>,
  metric: string,
): Array<{ rule: string; threshold: number }> {
  const seen = new Map<string, { rule: string; threshold: number }>();
  for (const e of events) {
    if (e.metric !== metric || typeof e.threshold !== 'number' || !Number.isFinite(e.threshold)) continue;
    const rule = typeof e.rule === 'string' ? e.rule : metric;
    seen.set(`${rule}\u0000${e.threshold}`, { rule, threshold: e.threshold });
  }
  return [...seen.values()];
}
