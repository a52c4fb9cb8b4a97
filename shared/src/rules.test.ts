import { breaksRule, DEFAULT_RULES, describeRule, eventType, parseRules } from './rules';

describe('parseRules', () => {
  it('when given the default rule as JSON, then it parses to temperature >= 95, N = 3', () => {
    expect(parseRules(JSON.stringify(DEFAULT_RULES))).toEqual([
      { metric: 'temperature', comparison: '>=', threshold: 95, warningsForEvent: 3 },
    ]);
  });

  it('when comparison and N are omitted, then they default to >= and 1', () => {
    expect(parseRules([{ metric: 'humidity', threshold: 80 }])).toEqual([
      { metric: 'humidity', comparison: '>=', threshold: 80, warningsForEvent: 1 },
    ]);
  });

  it('when the rules are wrong in several ways, then the error names each problem', () => {
    const attempt = () =>
      parseRules([
        { metric: 'Temperature', comparison: '=>', threshold: 'hot', warningsForEvent: 0, colour: 'red' },
        { metric: 'humidity', threshold: 1 },
        { metric: 'humidity', threshold: 2 },
      ]);
    expect(attempt).toThrow(/rules\[0\].metric/);
    expect(attempt).toThrow(/rules\[0\].comparison/);
    expect(attempt).toThrow(/rules\[0\].threshold/);
    expect(attempt).toThrow(/rules\[0\].warningsForEvent/);
    expect(attempt).toThrow(/unknown field\(s\) colour/);
    expect(attempt).toThrow(/rules\[2\].metric "humidity" has a rule already/);
  });

  it('when the text is not JSON or not an array, then it says so', () => {
    expect(() => parseRules('{oops')).toThrow(/not valid JSON/);
    expect(() => parseRules('{}')).toThrow(/must be a JSON array/);
  });
});

describe('breaksRule', () => {
  const rule = (comparison: '>=' | '>' | '<=' | '<') => ({
    metric: 't',
    comparison,
    threshold: 95,
    warningsForEvent: 3,
  });
  it.each([
    ['>=', 95, true],
    ['>=', 94.9, false],
    ['>', 95, false],
    ['>', 95.1, true],
    ['<=', 95, true],
    ['<=', 95.1, false],
    ['<', 95, false],
    ['<', 94, true],
  ] as const)('when %s 95 and the value is %d, then warning is %s', (comparison, value, expected) => {
    expect(breaksRule(rule(comparison), value)).toBe(expected);
  });
});

it('names events and rules as the original did', () => {
  expect(eventType('temperature')).toBe('TEMPERATURE_EXCEEDED');
  expect(describeRule(DEFAULT_RULES[0])).toBe('temperature >= 95');
});
