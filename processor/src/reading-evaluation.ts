// Per-reading decisions that need no state: does the reading's metric have a rule, is it a warning,
// and the event it would raise if it turned out to be the N-th warning in a row. Pure.
import { breaksRule, describeRule, eventType, type Reading, type Rule, type SensorEvent } from '../../shared/src';

export interface Evaluated {
  reading: Reading;
  offset: string;
  rule: Rule;
  warning: boolean;
  /** the event this reading raises if it is the N-th warning in a row; only built for warnings */
  candidate?: SensorEvent;
}

export function rulesByMetric(rules: readonly Rule[]): ReadonlyMap<string, Rule> {
  return new Map(rules.map((r) => [r.metric, r]));
}

/** undefined for a metric without a rule: stored by the saver, never counted here. */
export function evaluate(reading: Reading, offset: string, rules: ReadonlyMap<string, Rule>): Evaluated | undefined {
  const rule = rules.get(reading.metric);
  if (!rule) return undefined;
  const warning = breaksRule(rule, reading.value);
  return warning
    ? { reading, offset, rule, warning, candidate: eventFor(reading, rule) }
    : { reading, offset, rule, warning };
}

/** The event id is the raising reading's id: deterministic, so a replay produces the same event. */
export function eventFor(reading: Reading, rule: Rule): SensorEvent {
  return {
    id: reading.id,
    sensorId: reading.sensorId,
    metric: reading.metric,
    type: eventType(reading.metric),
    value: reading.value,
    at: reading.at,
    threshold: rule.threshold,
    rule: describeRule(rule),
    warningsForEvent: rule.warningsForEvent,
    readingId: reading.id,
  };
}
