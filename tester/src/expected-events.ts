// The tests' own oracle of the processor rules (written from the contract, not from the processor's
// code): for one (sensor, metric) sequence of values, in Kafka order, which readings raise an event
// and what the counter is at the end.
//  - a warning increments the counter; when it becomes exactly N, the event carries that reading;
//  - a normal reading resets the counter to 0.
import type { Rule } from '../../shared/src';

export interface ExpectedEvent {
  /** position of the reading that raised it in the sequence */
  index: number;
  value: number;
}

export interface Expectation {
  events: ExpectedEvent[];
  /** the counter after the last reading (what Redis should hold) */
  finalCount: number;
}

export function isWarning(rule: Pick<Rule, 'comparison' | 'threshold'>, value: number): boolean {
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

/** Values of one metric of one sensor, in order; no rule: no warnings, no events, counter 0. */
export function expectedEvents(values: readonly number[], rule: Rule | undefined): Expectation {
  const events: ExpectedEvent[] = [];
  let count = 0;
  values.forEach((value, index) => {
    if (!rule || !isWarning(rule, value)) {
      count = 0;
      return;
    }
    count += 1;
    if (count === rule.warningsForEvent) events.push({ index, value });
  });
  return { events, finalCount: count };
}

export function ruleFor(rules: readonly Rule[], metric: string): Rule | undefined {
  return rules.find((r) => r.metric === metric);
}
