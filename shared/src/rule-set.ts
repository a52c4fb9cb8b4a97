// Rule sets v2 (CONTRACT.md, "Processor rules"): named threshold rules with severity, sensor patterns and
// hysteresis, several per metric, and silence rules. Pure: parsed and validated whole, and a rule set
// with any problem is refused whole with every problem named (at start-up from configuration, and with
// a 400 from the rules API), so the processors never run half a rule set.
import { COMPARISONS, type Comparison, eventType, METRIC_NAME } from './rules';
import { SENSOR_GLOB, SENSOR_GLOB_RULE, sensorGlobMatcher } from './sensor-glob';

export const SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RULE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
export const ALARM_TYPE = /^[A-Z][A-Z0-9_]{0,63}$/;
export const SILENT_TYPE = 'SENSOR_SILENT';

/** Bounds that keep one rule set's evaluation cost and size sane; far above any real fleet's needs. */
export const RULE_SET_LIMITS = {
  rules: 10_000,
  patternsPerRule: 100,
  warningsForEvent: 1_000_000,
  clearAfter: 1_000_000,
  /** a year */
  afterSeconds: 31_536_000,
} as const;

export interface ThresholdRule {
  kind: 'threshold';
  name: string;
  metric: string;
  comparison: Comparison;
  threshold: number;
  warningsForEvent: number;
  type: string;
  severity: Severity;
  /** glob patterns; empty: every sensor */
  sensors: string[];
  clearThreshold: number;
  clearAfter: number;
}

export interface SilenceRule {
  kind: 'silence';
  name: string;
  type: string;
  severity: Severity;
  /** glob patterns; empty: every sensor */
  sensors: string[];
  afterSeconds: number;
}

export type AlarmRule = ThresholdRule | SilenceRule;

export interface RuleProblem {
  field: string;
  message: string;
}

/** A rule set refused whole: `problems` names each one with its path (`rules[2].clearThreshold`). */
export class RuleSetError extends Error {
  override readonly name = 'RuleSetError';
  constructor(readonly problems: RuleProblem[]) {
    super(`invalid rule set: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  }
}

const THRESHOLD_FIELDS = [
  'kind',
  'name',
  'metric',
  'comparison',
  'threshold',
  'warningsForEvent',
  'type',
  'severity',
  'sensors',
  'clearThreshold',
  'clearAfter',
];
const SILENCE_FIELDS = ['kind', 'name', 'type', 'severity', 'sensors', 'afterSeconds'];

/** Parses a rule set (a JSON text or an already parsed array); throws RuleSetError naming every problem. */
export function parseRuleSet(input: unknown): AlarmRule[] {
  let raw = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (err) {
      throw new RuleSetError([{ field: 'rules', message: `are not valid JSON: ${(err as Error).message}` }]);
    }
  }
  if (!Array.isArray(raw)) throw new RuleSetError([{ field: 'rules', message: 'must be a JSON array of rules' }]);
  const problems: RuleProblem[] = [];
  if (raw.length > RULE_SET_LIMITS.rules) {
    problems.push({ field: 'rules', message: `must hold at most ${RULE_SET_LIMITS.rules} rules` });
  }
  const rules: AlarmRule[] = [];
  const names = new Map<string, number>();
  raw.forEach((item: unknown, index) => {
    const at = `rules[${index}]`;
    const problem = (field: string, message: string) => problems.push({ field: `${at}${field}`, message });
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problem('', 'must be an object');
      return;
    }
    const rule = parseRule(item as Record<string, unknown>, problem);
    if (!rule) return;
    const first = names.get(rule.name);
    if (first !== undefined) problem('.name', `"${rule.name}" is the name of rules[${first}] already`);
    else if (rule.name) names.set(rule.name, index);
    rules.push(rule);
  });
  if (problems.length) throw new RuleSetError(problems);
  return rules;
}

type Report = (field: string, message: string) => void;

function parseRule(r: Record<string, unknown>, problem: Report): AlarmRule | undefined {
  const kind = r.kind ?? 'threshold';
  if (kind !== 'threshold' && kind !== 'silence') {
    problem('.kind', 'must be "threshold" or "silence"');
    return undefined;
  }
  const allowed = kind === 'threshold' ? THRESHOLD_FIELDS : SILENCE_FIELDS;
  for (const key of Object.keys(r)) {
    if (!allowed.includes(key)) problem(`.${key}`, `is not a field of a ${kind} rule`);
  }
  const severity = r.severity ?? 'major';
  if (!SEVERITIES.includes(severity as Severity)) problem('.severity', `must be one of ${SEVERITIES.join(', ')}`);
  const sensors = parseSensors(r.sensors, problem);
  return kind === 'silence'
    ? parseSilence(r, severity as Severity, sensors, problem)
    : parseThreshold(r, severity as Severity, sensors, problem);
}

function parseThreshold(
  r: Record<string, unknown>,
  severity: Severity,
  sensors: string[],
  problem: Report,
): ThresholdRule {
  const metric = r.metric;
  const metricOk = typeof metric === 'string' && METRIC_NAME.test(metric);
  if (!metricOk) problem('.metric', 'must be 1-64 characters of [a-z][a-z0-9_]*');
  const comparison = (r.comparison ?? '>=') as Comparison;
  if (!COMPARISONS.includes(comparison)) problem('.comparison', `must be one of ${COMPARISONS.join(' ')}`);
  const threshold = r.threshold;
  const thresholdOk = typeof threshold === 'number' && Number.isFinite(threshold);
  if (!thresholdOk) problem('.threshold', 'must be a finite number');
  const n = integerField(r.warningsForEvent, 1, RULE_SET_LIMITS.warningsForEvent, '.warningsForEvent', problem);
  const clearAfter = integerField(r.clearAfter, 1, RULE_SET_LIMITS.clearAfter, '.clearAfter', problem);
  const clearThreshold = r.clearThreshold ?? threshold;
  if (r.clearThreshold !== undefined) {
    if (typeof r.clearThreshold !== 'number' || !Number.isFinite(r.clearThreshold)) {
      problem('.clearThreshold', 'must be a finite number');
    } else if (thresholdOk && !clearsOnNormalSide(comparison, threshold, r.clearThreshold)) {
      const side = comparison.startsWith('>') ? 'at most' : 'at least';
      problem('.clearThreshold', `must be ${side} the threshold (${threshold}) for comparison ${comparison}`);
    }
  }
  const name = nameField(r.name, metricOk ? (metric as string) : undefined, problem);
  const type = typeField(r.type, metricOk ? eventType(metric as string) : 'X', problem);
  return {
    kind: 'threshold',
    name,
    metric: metric as string,
    comparison,
    threshold: threshold as number,
    warningsForEvent: n,
    type,
    severity,
    sensors,
    clearThreshold: clearThreshold as number,
    clearAfter,
  };
}

function parseSilence(r: Record<string, unknown>, severity: Severity, sensors: string[], problem: Report): SilenceRule {
  const afterSeconds = r.afterSeconds;
  if (
    typeof afterSeconds !== 'number' ||
    !Number.isInteger(afterSeconds) ||
    afterSeconds < 1 ||
    afterSeconds > RULE_SET_LIMITS.afterSeconds
  ) {
    problem('.afterSeconds', `must be an integer from 1 to ${RULE_SET_LIMITS.afterSeconds}`);
  }
  return {
    kind: 'silence',
    name: nameField(r.name, undefined, problem),
    type: typeField(r.type, SILENT_TYPE, problem),
    severity,
    sensors,
    afterSeconds: afterSeconds as number,
  };
}

/** For `>=`/`>` the clearing side is below the threshold; for `<=`/`<` above it. */
function clearsOnNormalSide(comparison: Comparison, threshold: number, clearThreshold: number): boolean {
  return comparison.startsWith('>') ? clearThreshold <= threshold : clearThreshold >= threshold;
}

function nameField(value: unknown, fallback: string | undefined, problem: Report): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || !RULE_NAME.test(value)) {
    problem('.name', `${value === undefined ? 'is required' : 'must be'} 1-64 characters of [a-z][a-z0-9_-]*`);
    return '';
  }
  return value;
}

function typeField(value: unknown, fallback: string, problem: Report): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !ALARM_TYPE.test(value)) {
    problem('.type', 'must be 1-64 characters of [A-Z][A-Z0-9_]*');
  }
  return value as string;
}

function integerField(value: unknown, fallback: number, max: number, field: string, problem: Report): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    problem(field, `must be an integer from 1 to ${max}`);
  }
  return value as number;
}

function parseSensors(value: unknown, problem: Report): string[] {
  // [] is every sensor, as an absent field is: it is how a parsed rule set shows that default, so
  // what GET /api/v1/rules answers can be PUT back unchanged.
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > RULE_SET_LIMITS.patternsPerRule) {
    problem('.sensors', `must be an array of at most ${RULE_SET_LIMITS.patternsPerRule} patterns ([]: every sensor)`);
    return [];
  }
  value.forEach((p: unknown, i) => {
    if (typeof p !== 'string' || !SENSOR_GLOB.test(p)) {
      problem(`.sensors[${i}]`, SENSOR_GLOB_RULE);
    }
  });
  return value as string[];
}

/** A matcher of sensor ids for a rule's patterns (sensor-glob.ts); no patterns: every sensor. */
export function sensorMatcher(patterns: readonly string[]): (sensorId: string) => boolean {
  return sensorGlobMatcher(patterns, true);
}

/**
 * How a reading stands against a threshold rule: a `warning` breaks the threshold; a `clearing`
 * reading is on the normal side of clearThreshold; one in between (hysteresis band) is `neutral`:
 * it resets the warning run but does not count towards clearing.
 */
export type ReadingClass = 'warning' | 'clearing' | 'neutral';

export function classify(rule: ThresholdRule, value: number): ReadingClass {
  if (breaks(rule.comparison, rule.threshold, value)) return 'warning';
  return breaks(rule.comparison, rule.clearThreshold, value) ? 'neutral' : 'clearing';
}

function breaks(comparison: Comparison, threshold: number, value: number): boolean {
  switch (comparison) {
    case '>=':
      return value >= threshold;
    case '>':
      return value > threshold;
    case '<=':
      return value <= threshold;
    case '<':
      return value < threshold;
  }
}

/** The worse of two values for a rule: the higher for `>=`/`>`, the lower for `<=`/`<` (an alarm's peak). */
export function worse(comparison: Comparison, a: number, b: number): number {
  return comparison.startsWith('>') ? Math.max(a, b) : Math.min(a, b);
}
