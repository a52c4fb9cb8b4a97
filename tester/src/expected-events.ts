// The tests' own oracle of the processor rules (written from the contract, not from the processor's
// code): for one (sensor, metric) sequence of values, in Kafka order, which readings raise an event
// and what the counter is at the end.
//  - a warning increments the counter; when it becomes exactly N, the event carries that reading;
//  - a normal reading resets the counter to 0;
//  - a reading with a client id counts once, at its first copy in Kafka order: later copies (the same
//    batch re-sent, a retry after a later reading, a retry through another receiver) are ignored
//    within the dedup window (the contract's "Client ids"). A sensor lives in one partition, so the
//    order of its messages in the readings topic is the order the processor applies.
import type { Rule } from '../../shared/src';
import { type AlarmRule, sensorMatcher } from '../../shared/src/rule-set';
import { INITIAL_STATE, type RuleState, step } from '../../processor/src/alarm-state';

/** A rule as the oracle reads it: an original rule or a v2 threshold rule (named; silence rules never warn). */
type OracleRule = Rule | AlarmRule;

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

export function ruleFor(rules: readonly OracleRule[], metric: string): Rule | undefined {
  return rules.find((r): r is Rule => !('kind' in r && r.kind === 'silence') && (r as Rule).metric === metric);
}

/** An event's id: the raising reading's id and the rule's name (a v2 rule's name, else its metric). */
export function eventIdOf(readingId: string, rule: Rule | { name: string }): string {
  return `${readingId}:${'name' in rule ? rule.name : rule.metric}`;
}

/** What a reading needs for the oracle: its id (a client id's copies share it) and where it counts. */
export interface TopicReading {
  id: string;
  sensorId: string;
  metric: string;
  value: number;
}

/** The copies the processor applies: the first of each reading id, in the order given (Kafka order). */
export function firstCopies<T extends Pick<TopicReading, 'id'>>(readings: readonly T[]): T[] {
  const seen = new Set<string>();
  return readings.filter((r) => !seen.has(r.id) && seen.add(r.id));
}

export interface SeriesExpectation {
  sensorId: string;
  metric: string;
  /** ids of the readings that raise an event */
  eventReadingIds: string[];
  /** ids of the events (eventIdOf: the reading's id and the rule's name) */
  eventIds: string[];
  /** the counter after the last applied reading */
  finalCount: number;
}

/**
 * Expectations per (sensor, metric) from the readings as they stand in the readings topic (each
 * partition in offset order; copies of one id included): the first copy of an id applies, later
 * copies change nothing. The whole run must fit in the dedup window.
 */
export function expectationsFromTopic(
  readings: readonly TopicReading[],
  rules: readonly OracleRule[],
): Map<string, SeriesExpectation> {
  const series = new Map<string, TopicReading[]>();
  for (const r of firstCopies(readings)) {
    const key = seriesKey(r.sensorId, r.metric);
    const list = series.get(key);
    if (list) list.push(r);
    else series.set(key, [r]);
  }
  const result = new Map<string, SeriesExpectation>();
  for (const [key, list] of series) {
    const rule = ruleFor(rules, list[0].metric);
    const e = expectedEvents(
      list.map((r) => r.value),
      rule,
    );
    result.set(key, {
      sensorId: list[0].sensorId,
      metric: list[0].metric,
      eventReadingIds: e.events.map((ev) => list[ev.index].id),
      eventIds: rule ? e.events.map((ev) => eventIdOf(list[ev.index].id, rule)) : [],
      finalCount: e.finalCount,
    });
  }
  return result;
}

/** The key of a (sensor, metric) series in expectationsFromTopic's answer. */
export function seriesKey(sensorId: string, metric: string): string {
  return `${sensorId}\u0000${metric}`;
}

/** An alarm as the oracle expects it at the end of a run (what the alarms table must hold). */
export interface ExpectedAlarm {
  id: string;
  sensorId: string;
  rule: string;
  status: 'active' | 'cleared';
  value: number;
  peak: number;
  events: number;
  warnings: number;
}

/**
 * The alarms the threshold rules imply for the topic's first copies, per (sensor, rule), stepped
 * through the pure alarm state machine (processor/src/alarm-state.ts: the contract's lifecycle, unit
 * tested on its own), with their final state. Operators' clears are not part of a fault run.
 */
export function expectedAlarms(
  readings: readonly TopicReading[],
  rules: readonly AlarmRule[],
): Map<string, ExpectedAlarm> {
  const result = new Map<string, ExpectedAlarm>();
  const states = new Map<string, RuleState>();
  for (const r of firstCopies(readings)) {
    for (const rule of rules) {
      if (rule.kind !== 'threshold' || rule.metric !== r.metric || !sensorMatcher(rule.sensors)(r.sensorId)) continue;
      const key = `${r.sensorId}\u0000${rule.name}`;
      const { state, transition } = step(rule, states.get(key) ?? INITIAL_STATE, { id: r.id, value: r.value, at: 0 });
      states.set(key, state);
      if (!transition) continue;
      const a = transition.alarm;
      result.set(a.id, {
        id: a.id,
        sensorId: r.sensorId,
        rule: rule.name,
        status: transition.kind === 'cleared' ? 'cleared' : 'active',
        value: a.value,
        peak: a.peak,
        events: a.events,
        warnings: a.warnings,
      });
    }
  }
  return result;
}
