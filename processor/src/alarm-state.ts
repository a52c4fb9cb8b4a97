// The per-(sensor, rule) state machine of a threshold rule: the warning run that raises events (the
// original's counter), and the alarm lifecycle on top of it (CONTRACT.md, "Alarms"). Pure: the processor
// loads the states a chunk of readings touches, steps them here in Kafka order, and writes them back
// with the events and alarm transitions in one atomic Redis step, so a replay, a crash or a rebalance
// never raises, clears or counts twice.
//
//   warning   run + 1; at exactly N the rule's event; the event raises an alarm when none is active,
//             else the active alarm absorbs it (events + 1). While active every warning counts
//             (warnings + 1, peak, lastWarningAt).
//   neutral   (between clearThreshold and threshold) run = 0, clearing streak = 0.
//   clearing  run = 0; while active, clearing + 1, and at clearAfter the alarm clears (by the rule).
// An operator's clear ends the alarm and the run: the next N warnings raise a new alarm.
import { createHash } from 'node:crypto';
import { classify, type ThresholdRule, worse } from '../../shared/src/rule-set';

export interface ActiveAlarm {
  id: string;
  /** the id of the event that raised it */
  eventId: string;
  raisedAt: number;
  value: number;
  peak: number;
  events: number;
  warnings: number;
  lastWarningAt: number;
}

export interface RuleState {
  /** consecutive warnings of the current run */
  run: number;
  /** consecutive clearing readings while an alarm is active */
  clearing: number;
  alarm: ActiveAlarm | null;
}

export const INITIAL_STATE: RuleState = Object.freeze({ run: 0, clearing: 0, alarm: null });

export interface StepReading {
  id: string;
  value: number;
  /** epoch ms */
  at: number;
}

export type AlarmTransition = 'raised' | 'updated' | 'cleared';

export interface StepResult {
  state: RuleState;
  /** this reading is the N-th warning of a run: the rule's event, with this id */
  eventId?: string;
  /** what happened to the (sensor, rule)'s alarm, and the alarm as it is after it */
  transition?: { kind: AlarmTransition; alarm: ActiveAlarm; clearedAt?: number };
}

/** The id of the event a reading raises for a rule: deterministic, so a replay raises the same event. */
export function eventIdFor(readingId: string, ruleName: string): string {
  return `${readingId}:${ruleName}`;
}

/** An alarm's id: a UUID-shaped digest of the raising event's id, deterministic and safe in a URL path. */
export function alarmIdFor(eventId: string): string {
  const h = createHash('sha1').update(eventId).digest('hex');
  // version 5 and RFC 4122 variant bits, as a name-based UUID
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function step(rule: ThresholdRule, state: RuleState, reading: StepReading): StepResult {
  const kind = classify(rule, reading.value);
  if (kind === 'warning') return onWarning(rule, state, reading);
  if (kind === 'neutral' || !state.alarm) return { state: { run: 0, clearing: 0, alarm: state.alarm } };
  const clearing = state.clearing + 1;
  if (clearing < rule.clearAfter) return { state: { run: 0, clearing, alarm: state.alarm } };
  return {
    state: { run: 0, clearing: 0, alarm: null },
    transition: { kind: 'cleared', alarm: state.alarm, clearedAt: reading.at },
  };
}

function onWarning(rule: ThresholdRule, state: RuleState, reading: StepReading): StepResult {
  const run = state.run + 1;
  const eventId = run === rule.warningsForEvent ? eventIdFor(reading.id, rule.name) : undefined;
  const active = state.alarm;
  if (active) {
    const alarm: ActiveAlarm = {
      ...active,
      peak: worse(rule.comparison, active.peak, reading.value),
      events: active.events + (eventId ? 1 : 0),
      warnings: active.warnings + 1,
      lastWarningAt: reading.at,
    };
    return { state: { run, clearing: 0, alarm }, eventId, transition: { kind: 'updated', alarm } };
  }
  if (!eventId) return { state: { run, clearing: 0, alarm: null } };
  const alarm: ActiveAlarm = {
    id: alarmIdFor(eventId),
    eventId,
    raisedAt: reading.at,
    value: reading.value,
    peak: reading.value,
    events: 1,
    // the run that raised it: N warnings (its earlier ones are not kept, so the peak is this value's)
    warnings: run,
    lastWarningAt: reading.at,
  };
  return { state: { run, clearing: 0, alarm }, eventId, transition: { kind: 'raised', alarm } };
}

/**
 * An operator's clear, applied in order with the sensor's readings. It clears the alarm only if it is
 * still the one the operator saw (`alarmId`: a clear that arrives after the rule cleared it, or after
 * a new alarm was raised, changes nothing); the warning run restarts with it, so the next run of N
 * warnings raises a new alarm rather than reviving the old one.
 */
export function clearByOperator(state: RuleState, alarmId: string): StepResult {
  if (!state.alarm || state.alarm.id !== alarmId) return { state };
  return { state: { run: 0, clearing: 0, alarm: null }, transition: { kind: 'cleared', alarm: state.alarm } };
}
