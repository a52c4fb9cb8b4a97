// Processor rules: which readings are warnings, and how many in a row raise an event.
// Pure: parsed and validated once at start-up (from configuration), evaluated per reading.

export const COMPARISONS = ['>=', '>', '<=', '<'] as const;
export type Comparison = (typeof COMPARISONS)[number];

export interface Rule {
  metric: string;
  comparison: Comparison;
  threshold: number;
  warningsForEvent: number;
}

export const METRIC_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Largest magnitude of a reading's value. Any finite double would fit a column, but sums of values
 * near 1.8e308 overflow (PostgreSQL raises on float8 overflow), which would stop the rollups and the
 * statistics; 1e100 leaves room for any count of readings and is far beyond any physical quantity.
 */
export const MAX_VALUE_MAGNITUDE = 1e100;

export const DEFAULT_RULES: readonly Rule[] = [
  { metric: 'temperature', comparison: '>=', threshold: 95, warningsForEvent: 3 },
];

/** Throws an Error naming every problem, so a bad configuration fails at start-up with a clear message. */
export function parseRules(input: unknown): Rule[] {
  const raw = typeof input === 'string' ? parseJson(input) : input;
  if (!Array.isArray(raw))
    throw new Error('rules must be a JSON array of {metric, comparison, threshold, warningsForEvent}');
  const problems: string[] = [];
  const seen = new Set<string>();
  const rules: Rule[] = [];
  raw.forEach((item: unknown, index) => {
    const where = `rules[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push(`${where} must be an object`);
      return;
    }
    const r = item as Record<string, unknown>;
    const unknownKeys = Object.keys(r).filter(
      (k) => !['metric', 'comparison', 'threshold', 'warningsForEvent'].includes(k),
    );
    if (unknownKeys.length) problems.push(`${where} has unknown field(s) ${unknownKeys.join(', ')}`);
    const metric = r.metric;
    if (typeof metric !== 'string' || !METRIC_NAME.test(metric)) {
      problems.push(`${where}.metric must be 1-64 characters of [a-z][a-z0-9_]*`);
    } else if (seen.has(metric)) {
      problems.push(`${where}.metric "${metric}" has a rule already`);
    } else {
      seen.add(metric);
    }
    const comparison = r.comparison ?? '>=';
    if (!COMPARISONS.includes(comparison as Comparison)) {
      problems.push(`${where}.comparison must be one of ${COMPARISONS.join(' ')}`);
    }
    if (typeof r.threshold !== 'number' || !Number.isFinite(r.threshold)) {
      problems.push(`${where}.threshold must be a finite number`);
    }
    const n = r.warningsForEvent ?? 1;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1_000_000) {
      problems.push(`${where}.warningsForEvent must be an integer from 1 to 1000000`);
    }
    rules.push({
      metric: metric as string,
      comparison: comparison as Comparison,
      threshold: r.threshold as number,
      warningsForEvent: n as number,
    });
  });
  if (problems.length) throw new Error(`invalid processor rules: ${problems.join('; ')}`);
  return rules;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`rules are not valid JSON: ${(err as Error).message}`);
  }
}

export function breaksRule(rule: Rule, value: number): boolean {
  switch (rule.comparison) {
    case '>=':
      return value >= rule.threshold;
    case '>':
      return value > rule.threshold;
    case '<=':
      return value <= rule.threshold;
    case '<':
      return value < rule.threshold;
  }
}

export function describeRule(rule: Rule): string {
  return `${rule.metric} ${rule.comparison} ${rule.threshold}`;
}

/** The event type of a metric, as the original named it: TEMPERATURE_EXCEEDED. */
export function eventType(metric: string): string {
  return `${metric.toUpperCase()}_EXCEEDED`;
}
