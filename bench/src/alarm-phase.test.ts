import { parseRuleSet } from '../../shared/src/rule-set';
import {
  alarmBodies,
  alarmIdOf,
  alarmLatencies,
  alarmPlan,
  alarmSplit,
  changedRuleSet,
  describeRuleChanges,
  readingRole,
} from './alarm-phase';

describe('alarm phase', () => {
  const plan = alarmPlan(false);

  it('when a crossing sensor sends its readings, then each episode holds `warnings` warnings and raises on the N-th', () => {
    const roles = Array.from({ length: 200 }, (_, seq) => readingRole(plan, 10, seq));
    const warnings = roles.filter((r) => r.warning).length;
    expect(warnings).toBe((200 / plan.period) * plan.warnings);
    roles.forEach((r, seq) => {
      if (!r.raises) return;
      // the raising reading is the N-th warning in a row, and the one before the run is not a warning
      for (let k = 0; k < plan.warningsForEvent; k++) expect(roles[seq - k].warning).toBe(true);
      if (seq - plan.warningsForEvent >= 0) expect(roles[seq - plan.warningsForEvent].warning).toBe(false);
    });
    expect(roles.filter((r) => r.raises).length).toBeGreaterThanOrEqual(9);
  });

  it('when an episode is cut short by the start, then it raises nothing', () => {
    // find a sensor whose first readings are mid-episode
    const sensor = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90].find((s) => readingRole(plan, s, 0).warning)!;
    const first = Array.from({ length: plan.period }, (_, seq) => readingRole(plan, sensor, seq));
    const leading = first.findIndex((r) => !r.warning);
    const raisesEarly = first.slice(0, leading).some((r) => r.raises);
    expect(raisesEarly).toBe(leading >= plan.warningsForEvent);
  });

  it('when a sensor does not cross, then none of its readings warn', () => {
    for (let seq = 0; seq < 100; seq++) expect(readingRole(plan, 7, seq)).toEqual({ warning: false, raises: false });
  });

  it('when bodies are made, then sensors go round robin with their sequence numbers and warning values', () => {
    const bodies = alarmBodies({ ...plan, sensors: 20, batchItems: 10 }, 'al-');
    const first = bodies.next();
    const second = bodies.next();
    const third = bodies.next();
    expect(first.map((i) => i.sensorId)).toEqual(Array.from({ length: 10 }, (_, i) => `al-${i}`));
    expect(second[0].sensorId).toBe('al-10');
    expect(third[0]).toMatchObject({ sensorId: 'al-0', id: '1' });
    for (const item of [...first, ...second, ...third]) {
      const n = Number(item.sensorId.slice(3));
      expect(item.temperature >= 95).toBe(readingRole(plan, n, Number(item.id)).warning);
    }
  });

  it('when the alarm id of a raising reading is derived, then it is the UUID of its event id (stable)', () => {
    const id = alarmIdOf({ sensorId: 'al-10', id: '7' });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(alarmIdOf({ sensorId: 'al-10', id: '7' })).toBe(id);
    expect(alarmIdOf({ sensorId: 'al-10', id: '8' })).not.toBe(id);
  });

  it('when latencies are taken, then warm-up alarms are left out, unseen ones counted, early ones are 0', () => {
    const accepted = new Map([
      ['a', { at: 1000, counted: true }],
      ['b', { at: 1000, counted: true }],
      ['c', { at: 1000, counted: false }],
      ['d', { at: 1000, counted: true }],
    ]);
    const seen = new Map([
      ['a', 1300],
      ['c', 1100],
      ['d', 990],
    ]);
    expect(alarmLatencies(accepted, seen)).toEqual({ latencies: [300, 0], expected: 3, early: 1 });
  });

  it('when the rule set is changed, then each change is a valid set keeping the default rule, and differs from the last', () => {
    for (let i = 0; i < 20; i++) {
      const rules = parseRuleSet(changedRuleSet(i));
      expect(rules[0]).toMatchObject({ name: 'temperature', threshold: 95, warningsForEvent: 3 });
      expect(changedRuleSet(i)).not.toEqual(changedRuleSet(i + 1));
    }
  });

  it('when rule-set changes are described, then the line names the processors, the p99 and the target', () => {
    const line = describeRuleChanges({
      processors: 3,
      changes: 20,
      applied: 20,
      latencyMs: { count: 20, mean: 300, min: 100, max: 900, p50: 250, p95: 800, p99: 900 },
      pollMs: 20,
    });
    expect(line).toContain('every one of 3 processors');
    expect(line).toContain('p99 900 ms');
    expect(line).toContain('20 of 20 changes');
    expect(line).toContain('target p99 < 5,000 ms');
  });

  it('when latencies are split at the Kafka timestamp, then only counted alarms seen and produced are split', () => {
    const accepted = new Map([
      ['a', { at: 1000, counted: true }],
      ['b', { at: 1000, counted: true }],
      ['c', { at: 1000, counted: false }],
    ]);
    const seen = new Map([
      ['a', 1500],
      ['b', 1400],
      ['c', 1200],
    ]);
    const produced = new Map([
      ['a', 1100],
      ['c', 1050],
    ]);
    expect(alarmSplit(accepted, seen, produced)).toEqual({ toTopic: [100], topicToListed: [400] });
  });
});
