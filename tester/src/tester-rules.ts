// The rules the alarm tests add to the stack's rule set, and how they are added and taken out again.
// Pure. Every name and sensor pattern carries the run's id, so the tester's rules apply only to the
// run's own sensors (`tester-<run>-…`, which no one else uses) and never touch anyone else's: the
// rule set in force is whatever is stored (GET /api/v1/rules) with the run's rules on top, and taking
// them out leaves exactly what is there then (a change someone made meanwhile included).
import { randomBytes } from 'node:crypto';
import type { OracleRule } from './alarm-oracle';

/** A rule as GET /api/v1/rules answers it and PUT takes it back. */
export type RuleJson = { name: string } & Record<string, unknown>;

/** 8 lower-case hex characters: the run's id in sensor ids and rule names. */
export function newRunId(bytes: (n: number) => Buffer = randomBytes): string {
  return bytes(4).toString('hex');
}

/** The run's rule names and sensor ids all start with this. */
export const runPrefix = (runId: string) => `tester-${runId}-`;

/** A sensor of the run: `tester-<run>-<what>` (what: lower-case letters, digits and dashes). */
export function runSensor(runId: string, what: string): string {
  return `${runPrefix(runId)}${what}`;
}

/** Metric of the level rule: no rule of anyone else watches it. */
export const LEVEL_METRIC = 'tester_level';
/** Metric of the probe rule (see probeRule). */
export const PROBE_METRIC = 'tester_probe';

/** The threshold rule of the lifecycle, hysteresis and ack tests: >= 50 warns, below 40 clears, N 3, 2 to clear. */
export const LEVEL_RULE: OracleRule = {
  comparison: '>=',
  threshold: 50,
  clearThreshold: 40,
  warningsForEvent: 3,
  clearAfter: 2,
};
export const LEVEL_TYPE = 'TESTER_LEVEL_HIGH';
export const LEVEL_SEVERITY = 'minor';

/** The silence rule's quiet time: short, so the test is short (the processor sweeps every 5 s by default). */
export const SILENCE_AFTER_SECONDS = 2;
export const SILENCE_SEVERITY = 'warning';

export const levelRuleName = (runId: string) => `${runPrefix(runId)}level`;
export const silenceRuleName = (runId: string) => `${runPrefix(runId)}silent`;
/** The probe rule of the run's k-th rule set: a new name each time, so its alarm shows that set is in force. */
export const probeRuleName = (runId: string, k: number) => `${runPrefix(runId)}probe-${k}`;
/** Sensors the silence rule watches: only those (the other tests' sensors may fall silent harmlessly). */
export const silenceSensor = (runId: string, what: string) => runSensor(runId, `silent-${what}`);

/** What the run wants in force besides the probe. */
export interface RunRules {
  level: boolean;
  silence: boolean;
}

/**
 * The run's rules for its k-th rule set. The probe rule (N 1 on PROBE_METRIC, >= 1, cleared by a 0)
 * is what a test posts to a sensor of its own until its alarm appears: then the processor that owns
 * that sensor's partition judges it by this set (every processor applies a new set within 5 s, but
 * nothing else says when).
 */
export function runRules(runId: string, k: number, want: RunRules): RuleJson[] {
  const sensors = [`${runPrefix(runId)}*`];
  const rules: RuleJson[] = [
    {
      kind: 'threshold',
      name: probeRuleName(runId, k),
      metric: PROBE_METRIC,
      comparison: '>=',
      threshold: 1,
      warningsForEvent: 1,
      type: 'TESTER_PROBE',
      severity: 'warning',
      sensors,
      clearThreshold: 1,
      clearAfter: 1,
    },
  ];
  if (want.level) {
    rules.push({
      kind: 'threshold',
      name: levelRuleName(runId),
      metric: LEVEL_METRIC,
      ...LEVEL_RULE,
      type: LEVEL_TYPE,
      severity: LEVEL_SEVERITY,
      sensors,
    });
  }
  if (want.silence) {
    rules.push({
      kind: 'silence',
      name: silenceRuleName(runId),
      type: 'SENSOR_SILENT',
      severity: SILENCE_SEVERITY,
      sensors: [`${silenceSensor(runId, '')}*`],
      afterSeconds: SILENCE_AFTER_SECONDS,
    });
  }
  return rules;
}

/** A rule (or an alarm, by its rule) of the run. */
export const isRunRule = (runId: string, rule: RuleJson | { rule: string }) =>
  ('name' in rule ? rule.name : rule.rule).startsWith(runPrefix(runId));

/** The rule set without the run's rules: everyone else's, as they are. */
export function withoutRunRules(current: readonly RuleJson[], runId: string): RuleJson[] {
  return current.filter((rule) => !isRunRule(runId, rule));
}

/** Everyone else's rules as they are, then the run's (replacing any the run had in it before). */
export function withRunRules(current: readonly RuleJson[], runId: string, ours: readonly RuleJson[]): RuleJson[] {
  const foreign = ours.filter((rule) => !isRunRule(runId, rule));
  if (foreign.length) throw new Error(`not rules of run ${runId}: ${foreign.map((r) => r.name).join(', ')}`);
  return [...withoutRunRules(current, runId), ...ours];
}

export interface RulesAnswer {
  rules: RuleJson[];
  version: number;
}

/** A GET or PUT /api/v1/rules answer, checked: {"rules": [{name, ...}], "version": n}. */
export function parseRulesAnswer(body: unknown): RulesAnswer | undefined {
  const b = body as { rules?: unknown; version?: unknown } | undefined;
  if (typeof b !== 'object' || b === null || !Array.isArray(b.rules) || !Number.isInteger(b.version)) return undefined;
  const rules = b.rules as unknown[];
  const named = rules.every(
    (r) => typeof r === 'object' && r !== null && typeof (r as { name?: unknown }).name === 'string',
  );
  return named ? { rules: rules as RuleJson[], version: b.version as number } : undefined;
}
