// Which rules of the rule set watch a sensor's metric (for the threshold lines of its timeline): the
// rule's metric, and its sensor globs (`*` any run of characters; none: every sensor). Pure.

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

export function globMatches(pattern: string, text: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === text;
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (!text.startsWith(first) || text.length < first.length + last.length || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = text.indexOf(middle, at);
    if (found < 0 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}

export function rulesFor(rules: readonly RuleView[], sensorId: string, metric: string): RuleView[] {
  return rules.filter(
    (r) =>
      (r.kind ?? 'threshold') === 'threshold' &&
      r.metric === metric &&
      typeof r.threshold === 'number' &&
      (!r.sensors?.length || r.sensors.some((p) => globMatches(p, sensorId))),
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
