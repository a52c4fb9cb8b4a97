// One version of the rule set, as the processor looks rules up: the threshold rules of a (sensor,
// metric) and the silence rules of a sensor, sensor globs matched once per pair and cached (derived
// state, rebuilt with each version, so it is safe per instance). Pure apart from the cache.
import { createHash } from 'node:crypto';
import { type AlarmRule, type SilenceRule, sensorMatcher, type ThresholdRule } from '../../shared/src/rule-set';

/** Sensors cached per rule-set version; beyond it the oldest are dropped (a fleet's hot set fits). */
const CACHE_MAX = 100_000;

export interface RuleBook {
  /** the rule-set version (0: the configuration's rules) */
  version: number;
  rules: readonly AlarmRule[];
  thresholdRulesFor(sensorId: string, metric: string): readonly ThresholdRule[];
  silenceRulesFor(sensorId: string): readonly SilenceRule[];
  silenceRules: readonly SilenceRule[];
  matches(rule: AlarmRule, sensorId: string): boolean;
  /** fingerprint of what the rule's counters mean: a change of it restarts them (see fingerprintOf) */
  fingerprint(rule: AlarmRule): string;
}

/**
 * What a rule's stored state depends on: for a threshold rule its metric, comparison, threshold and N
 * (the contract: a rule whose comparison, threshold or N changed starts its counters again), for a
 * silence rule its afterSeconds and sensors (the sweep's watermark). Short: it is stored per sensor.
 */
export function fingerprintOf(rule: AlarmRule): string {
  const what =
    rule.kind === 'threshold'
      ? [rule.metric, rule.comparison, rule.threshold, rule.warningsForEvent]
      : [rule.afterSeconds, rule.sensors];
  return createHash('sha1').update(JSON.stringify(what)).digest('base64').slice(0, 8);
}

export function createRuleBook(rules: readonly AlarmRule[], version = 0): RuleBook {
  const matchers = new Map(rules.map((r) => [r, sensorMatcher(r.sensors)]));
  const fingerprints = new Map(rules.map((r) => [r, fingerprintOf(r)]));
  const byMetric = new Map<string, ThresholdRule[]>();
  const silenceRules: SilenceRule[] = [];
  for (const r of rules) {
    if (r.kind === 'silence') silenceRules.push(r);
    else byMetric.set(r.metric, [...(byMetric.get(r.metric) ?? []), r]);
  }
  // per sensor, per metric: nested maps, so a hit builds no key. Bounded by sensors, the oldest
  // first out (a pair evicted while hot is matched again once: cheap, and it keeps the bound simple)
  const cache = new Map<string, Map<string, readonly ThresholdRule[]>>();
  const silenceCache = new Map<string, readonly SilenceRule[]>();
  const remember = <T>(map: Map<string, T>, key: string, value: T): T => {
    if (map.size >= CACHE_MAX) map.delete(map.keys().next().value as string);
    map.set(key, value);
    return value;
  };
  const matches = (rule: AlarmRule, sensorId: string) => matchers.get(rule)!(sensorId);
  return {
    version,
    rules,
    silenceRules,
    matches,
    fingerprint: (rule) => fingerprints.get(rule) ?? fingerprintOf(rule),
    thresholdRulesFor(sensorId, metric) {
      const candidates = byMetric.get(metric);
      if (!candidates) return [];
      // rules without patterns need no lookup: the common case costs nothing
      if (candidates.every((r) => r.sensors.length === 0)) return candidates;
      const bySensor = cache.get(sensorId) ?? remember(cache, sensorId, new Map());
      const hit = bySensor.get(metric);
      if (hit) return hit;
      const found = candidates.filter((r) => matches(r, sensorId));
      bySensor.set(metric, found);
      return found;
    },
    silenceRulesFor(sensorId) {
      if (silenceRules.length === 0) return silenceRules;
      return (
        silenceCache.get(sensorId) ??
        remember(
          silenceCache,
          sensorId,
          silenceRules.filter((r) => matches(r, sensorId)),
        )
      );
    },
  };
}
