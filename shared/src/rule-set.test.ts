import { classify, parseRuleSet, RuleSetError, sensorMatcher, type ThresholdRule, worse } from './rule-set';

const problemsOf = (input: unknown) => {
  try {
    parseRuleSet(input);
  } catch (err) {
    if (err instanceof RuleSetError) return err.problems;
    throw err;
  }
  throw new Error('the rule set was accepted');
};

describe('parseRuleSet', () => {
  it("when given the original's rule, then every v2 field takes its default", () => {
    expect(parseRuleSet('[{"metric":"temperature","comparison":">=","threshold":95,"warningsForEvent":3}]')).toEqual([
      {
        kind: 'threshold',
        name: 'temperature',
        metric: 'temperature',
        comparison: '>=',
        threshold: 95,
        warningsForEvent: 3,
        type: 'TEMPERATURE_EXCEEDED',
        severity: 'major',
        sensors: [],
        clearThreshold: 95,
        clearAfter: 1,
      },
    ]);
  });

  it('when two named rules watch one metric and a silence rule follows, then all three parse', () => {
    const rules = parseRuleSet([
      { name: 'hot', metric: 'temperature', threshold: 95, clearThreshold: 90, clearAfter: 2 },
      { name: 'very-hot', metric: 'temperature', threshold: 105, severity: 'critical', sensors: ['site-7-*'] },
      { name: 'silent', kind: 'silence', afterSeconds: 300 },
    ]);
    expect(rules.map((r) => [r.kind, r.name, r.severity, r.type])).toEqual([
      ['threshold', 'hot', 'major', 'TEMPERATURE_EXCEEDED'],
      ['threshold', 'very-hot', 'critical', 'TEMPERATURE_EXCEEDED'],
      ['silence', 'silent', 'major', 'SENSOR_SILENT'],
    ]);
    expect(rules[2]).toMatchObject({ afterSeconds: 300, sensors: [] });
  });

  it('when the rule set has many problems, then it is refused whole with every problem named by its path', () => {
    const problems = problemsOf([
      { metric: 'Temperature', comparison: '=>', threshold: 'hot', warningsForEvent: 0, colour: 'red' },
      { metric: 'humidity', threshold: 80, clearThreshold: 85 },
      { metric: 'humidity', threshold: 10, comparison: '<' },
      { name: 'low', metric: 'pressure', threshold: 10, comparison: '<', clearThreshold: 5, sensors: ['bad glob!'] },
      { name: 'quiet', kind: 'silence', metric: 'temperature', afterSeconds: 0 },
      { kind: 'silence', afterSeconds: 60 },
      { metric: 'x', threshold: 1, severity: 'urgent', type: 'lower', sensors: 'site-*' },
      'not a rule',
    ]);
    expect(problems.map((p) => p.field)).toEqual([
      'rules[0].colour',
      'rules[0].metric',
      'rules[0].comparison',
      'rules[0].threshold',
      'rules[0].warningsForEvent',
      'rules[0].name',
      'rules[1].clearThreshold',
      'rules[2].name',
      'rules[3].sensors[0]',
      'rules[3].clearThreshold',
      'rules[4].metric',
      'rules[4].afterSeconds',
      'rules[5].name',
      'rules[6].severity',
      'rules[6].sensors',
      'rules[6].type',
      'rules[7]',
    ]);
    const byField = new Map(problems.map((p) => [p.field, p.message]));
    expect(byField.get('rules[1].clearThreshold')).toBe('must be at most the threshold (80) for comparison >=');
    expect(byField.get('rules[3].clearThreshold')).toBe('must be at least the threshold (10) for comparison <');
    expect(byField.get('rules[2].name')).toBe('"humidity" is the name of rules[1] already');
    expect(byField.get('rules[4].metric')).toBe('is not a field of a silence rule');
    expect(byField.get('rules[5].name')).toMatch(/^is required/);
  });

  it('when the text is not JSON or not an array, then the problem is named', () => {
    expect(problemsOf('{nope')[0].message).toMatch(/^are not valid JSON/);
    expect(problemsOf({ rules: [] })).toEqual([{ field: 'rules', message: 'must be a JSON array of rules' }]);
  });

  it('when a parsed rule set is parsed again, then it is the same (GET /api/v1/rules can be PUT back)', () => {
    const parsed = parseRuleSet([
      { metric: 'temperature', threshold: 95, warningsForEvent: 3 },
      { name: 'gw', metric: 'humidity', comparison: '<', threshold: 10, sensors: ['site-7-*'] },
      { name: 'silent', kind: 'silence', afterSeconds: 300 },
    ]);
    expect(parseRuleSet(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
  });

  it('when a rule set is empty, then it is valid: no metric warns', () => {
    expect(parseRuleSet([])).toEqual([]);
  });
});

describe('sensorMatcher', () => {
  it('when a pattern has *, then it matches any run of characters and the rest literally', () => {
    const matches = sensorMatcher(['site-7-*', 'a.b', '*-edge']);
    expect(['site-7-1', 'site-7-', 'a.b', 'x-edge', '-edge'].map(matches)).toEqual([true, true, true, true, true]);
    expect(['site-70', 'aXb', 'site-7', 'edge'].map(matches)).toEqual([false, false, false, false]);
  });

  it('when there are no patterns, then every sensor matches', () => {
    expect(sensorMatcher([])('anything')).toBe(true);
  });

  it('when a pattern is hostile (many stars, no match), then it answers (a regular expression of .* runs would backtrack for ever)', () => {
    expect(sensorMatcher([`${'*a'.repeat(30)}*b`])('a'.repeat(128))).toBe(false);
  });
});

describe('classify', () => {
  const rule = parseRuleSet([{ metric: 't', threshold: 95, clearThreshold: 90 }])[0] as ThresholdRule;
  const below = parseRuleSet([{ metric: 't', comparison: '<', threshold: 10, clearThreshold: 15 }])[0] as ThresholdRule;

  it('when a value is past the threshold, in the band, or on the normal side, then it warns, is neutral, or clears', () => {
    expect([95, 100, 94.9, 90, 89.9].map((v) => classify(rule, v))).toEqual([
      'warning',
      'warning',
      'neutral',
      'neutral',
      'clearing',
    ]);
    expect([9.9, 10, 14.9, 15].map((v) => classify(below, v))).toEqual(['warning', 'neutral', 'neutral', 'clearing']);
  });

  it('when clearThreshold is the threshold, then every reading that does not warn clears', () => {
    const plain = parseRuleSet([{ metric: 't', threshold: 95 }])[0] as ThresholdRule;
    expect([94.99, 95].map((v) => classify(plain, v))).toEqual(['clearing', 'warning']);
  });

  it('worse is the higher value for > rules and the lower for < rules', () => {
    expect([worse('>=', 3, 5), worse('<', 3, 5)]).toEqual([5, 3]);
  });
});
