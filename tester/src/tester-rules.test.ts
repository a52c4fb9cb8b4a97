import { parseRuleSet, sensorMatcher } from '../../shared/src/rule-set';
import {
  isRunRule,
  newRunId,
  parseRulesAnswer,
  probeRuleName,
  runRules,
  runSensor,
  silenceSensor,
  withoutRunRules,
  withRunRules,
} from './tester-rules';

const theirs = [
  { kind: 'threshold', name: 'temperature', metric: 'temperature', threshold: 95, sensors: [] },
  { kind: 'silence', name: 'silent', afterSeconds: 300, sensors: ['site-*'] },
];

describe('the tester run rules', () => {
  it('names a run with 8 lower-case hex characters', () => {
    expect(newRunId(() => Buffer.from([0xde, 0xad, 0xbe, 0xef]))).toBe('deadbeef');
    expect(newRunId()).toMatch(/^[0-9a-f]{8}$/);
  });

  it('is a valid rule set, with the probe, the level and the silence rules as asked', () => {
    const rules = runRules('0a1b2c3d', 2, { level: true, silence: true });
    expect(rules.map((r) => r.name)).toEqual([
      'tester-0a1b2c3d-probe-2',
      'tester-0a1b2c3d-level',
      'tester-0a1b2c3d-silent',
    ]);
    expect(() => parseRuleSet([...theirs, ...rules])).not.toThrow();
    expect(runRules('0a1b2c3d', 1, { level: false, silence: false }).map((r) => r.name)).toEqual([
      probeRuleName('0a1b2c3d', 1),
    ]);
  });

  it('applies only to the run sensors; the silence rule only to its silent-* sensors', () => {
    const parsed = parseRuleSet(runRules('0a1b2c3d', 1, { level: true, silence: true }));
    const covers = (name: string, sensorId: string) =>
      sensorMatcher(parsed.find((r) => r.name === name)?.sensors ?? [])(sensorId);
    expect(covers('tester-0a1b2c3d-level', runSensor('0a1b2c3d', 'ack'))).toBe(true);
    expect(covers('tester-0a1b2c3d-level', runSensor('ffffffff', 'ack'))).toBe(false);
    expect(covers('tester-0a1b2c3d-level', 'boiler-7')).toBe(false);
    expect(covers('tester-0a1b2c3d-silent', silenceSensor('0a1b2c3d', '1'))).toBe(true);
    expect(covers('tester-0a1b2c3d-silent', runSensor('0a1b2c3d', 'ack'))).toBe(false);
  });

  it('adds the run rules on top of everyone else’s, replacing the run’s earlier ones, and takes them out again', () => {
    const first = withRunRules(theirs, 'aaaaaaaa', runRules('aaaaaaaa', 1, { level: true, silence: false }));
    const second = withRunRules(first, 'aaaaaaaa', runRules('aaaaaaaa', 2, { level: true, silence: true }));
    expect(second.map((r) => r.name)).toEqual([
      'temperature',
      'silent',
      'tester-aaaaaaaa-probe-2',
      'tester-aaaaaaaa-level',
      'tester-aaaaaaaa-silent',
    ]);
    expect(withoutRunRules(second, 'aaaaaaaa')).toEqual(theirs);
  });

  it('leaves another run’s rules and a change made meanwhile as they are', () => {
    const other = runRules('bbbbbbbb', 1, { level: true, silence: false });
    const ours = withRunRules(
      [...theirs, ...other],
      'aaaaaaaa',
      runRules('aaaaaaaa', 1, { level: true, silence: false }),
    );
    const changedMeanwhile = [...ours, { kind: 'threshold', name: 'humidity', metric: 'humidity', threshold: 90 }];
    expect(withoutRunRules(changedMeanwhile, 'aaaaaaaa').map((r) => r.name)).toEqual([
      'temperature',
      'silent',
      ...other.map((r) => r.name),
      'humidity',
    ]);
  });

  it('refuses to add a rule that is not the run’s', () => {
    expect(() => withRunRules(theirs, 'aaaaaaaa', [{ name: 'temperature' }])).toThrow(
      'not rules of run aaaaaaaa: temperature',
    );
  });

  it('tells the run rules and alarms apart by name', () => {
    expect(isRunRule('aaaaaaaa', { name: 'tester-aaaaaaaa-level' })).toBe(true);
    expect(isRunRule('aaaaaaaa', { rule: 'tester-aaaaaaaa-silent' })).toBe(true);
    expect(isRunRule('aaaaaaaa', { rule: 'tester-bbbbbbbb-silent' })).toBe(false);
  });

  it('reads a rules answer, or says it is not one', () => {
    expect(parseRulesAnswer({ rules: theirs, version: 3 })).toEqual({ rules: theirs, version: 3 });
    expect(parseRulesAnswer({ rules: [{ metric: 'x' }], version: 3 })).toBeUndefined();
    expect(parseRulesAnswer({ rules: [], version: '3' })).toBeUndefined();
    expect(parseRulesAnswer(undefined)).toBeUndefined();
  });
});
