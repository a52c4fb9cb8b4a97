import { parseRuleSet, type ThresholdRule } from '../../shared/src/rule-set';
import { alarmIdFor, clearByOperator, INITIAL_STATE, type RuleState, step, type StepResult } from './alarm-state';

const ruleOf = (fields: Record<string, unknown>) =>
  parseRuleSet([{ metric: 'temperature', threshold: 95, warningsForEvent: 3, ...fields }])[0] as ThresholdRule;
const DEFAULT = ruleOf({});

/** Steps the values through one (sensor, rule) from a fresh state; readings r0, r1, ... at 0, 1000, ... */
function run(rule: ThresholdRule, values: number[], from: RuleState = INITIAL_STATE, idPrefix = 'r') {
  let state = from;
  const results: StepResult[] = [];
  values.forEach((value, i) => {
    const r = step(rule, state, { id: `${idPrefix}${i}`, value, at: i * 1000 });
    results.push(r);
    state = r.state;
  });
  return {
    state,
    events: results.flatMap((r, i) => (r.eventId ? [values[i]] : [])),
    transitions: results.flatMap((r, i) => (r.transition ? [[i, r.transition.kind]] : [])),
  };
}

describe('alarm state machine', () => {
  it("when the original's sequence is stepped, then events carry 99 and 98 and the run ends at 3", () => {
    const r = run(DEFAULT, [10, 100, 97, 99, 10, 100, 107, 98]);
    expect(r.events).toEqual([99, 98]);
    expect(r.state.run).toBe(3);
  });

  it('when N warnings come in a row, then one alarm is raised carrying the N-th warning', () => {
    const r = run(DEFAULT, [96, 97, 98]);
    expect(r.transitions).toEqual([[2, 'raised']]);
    expect(r.state.alarm).toEqual({
      id: alarmIdFor('r2:temperature'),
      eventId: 'r2:temperature',
      raisedAt: 2000,
      value: 98,
      peak: 98,
      events: 1,
      warnings: 3,
      lastWarningAt: 2000,
    });
  });

  it('when a second run of N warnings comes while the alarm is active, then the alarm absorbs the event', () => {
    // 92 is in the hysteresis band: it ends the run without clearing the alarm
    const r = run(ruleOf({ clearThreshold: 90 }), [96, 97, 98, 99, 92, 120, 96, 96]);
    expect(r.events).toEqual([98, 96]);
    expect(r.transitions.map(([, k]) => k)).toEqual(['raised', 'updated', 'updated', 'updated', 'updated']);
    expect(r.state.alarm).toMatchObject({ value: 98, peak: 120, events: 2, warnings: 7, lastWarningAt: 7000 });
  });

  it('when a clearing reading comes and clearAfter is 1, then the alarm clears by the rule', () => {
    const r = run(DEFAULT, [96, 97, 98, 50]);
    expect(r.transitions).toEqual([
      [2, 'raised'],
      [3, 'cleared'],
    ]);
    expect(r.state).toEqual({ run: 0, clearing: 0, alarm: null });
  });

  it('when readings sit in the hysteresis band, then they reset the run but neither warn nor clear', () => {
    const rule = ruleOf({ clearThreshold: 90, clearAfter: 2 });
    const r = run(rule, [96, 97, 98, 92, 89, 93, 89, 85]);
    // 92: neutral; 89: clearing 1; 93: neutral resets the clearing streak; 89, 85: clearing 1, 2 → cleared
    expect(r.transitions).toEqual([
      [2, 'raised'],
      [7, 'cleared'],
    ]);
  });

  it('when the run is broken before N, then no event and no alarm', () => {
    expect(run(DEFAULT, [96, 97, 94, 96, 97]).transitions).toEqual([]);
  });

  it('when N is 1, then every warning after a normal reading is an event', () => {
    const r = run(ruleOf({ warningsForEvent: 1 }), [96, 10, 96, 97]);
    expect(r.events).toEqual([96, 96]);
    expect(r.transitions.map(([, k]) => k)).toEqual(['raised', 'cleared', 'raised', 'updated']);
  });

  it('when the rule watches for low values, then the peak is the lowest value', () => {
    const rule = ruleOf({ comparison: '<', threshold: 10, warningsForEvent: 2 });
    expect(run(rule, [5, 4, 1, 3]).state.alarm).toMatchObject({ value: 4, peak: 1, warnings: 4 });
  });

  it('when an operator clears the active alarm, then the next run raises a new alarm with another id', () => {
    const raised = run(DEFAULT, [96, 97, 98, 99]);
    const id = raised.state.alarm!.id;
    const cleared = clearByOperator(raised.state, id);
    expect(cleared.transition?.kind).toBe('cleared');
    expect(cleared.state).toEqual({ run: 0, clearing: 0, alarm: null });
    const next = run(DEFAULT, [100, 101, 102], cleared.state, 'later-');
    expect(next.transitions).toEqual([[2, 'raised']]);
    expect(next.state.alarm!.id).not.toBe(id);
  });

  it('when an operator clears an alarm that is no longer active, then nothing changes', () => {
    const raised = run(DEFAULT, [96, 97, 98]);
    expect(clearByOperator(raised.state, alarmIdFor('other'))).toEqual({ state: raised.state });
    expect(clearByOperator(INITIAL_STATE, alarmIdFor('other'))).toEqual({ state: INITIAL_STATE });
  });

  it('alarm ids are UUID-shaped and deterministic', () => {
    expect(alarmIdFor('r2:temperature')).toBe(alarmIdFor('r2:temperature'));
    expect(alarmIdFor('r2:temperature')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
