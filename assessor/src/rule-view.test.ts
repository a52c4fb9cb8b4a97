import { DEFAULT_RULES } from '../../shared/src';
import { parseRuleSet } from '../../shared/src/rule-set';
import { parseRulesBody, ruleSetView } from './rule-view';

const v2Default = {
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
};

describe('ruleSetView', () => {
  it('when given v1 rules (PROCESSOR_RULES of old), then their full v2 form', () => {
    expect(ruleSetView(DEFAULT_RULES)).toEqual([v2Default]);
  });

  it('when given rules parsed already, then the same view: what GET answers can be PUT back', () => {
    const rules = [
      { metric: 'humidity', threshold: 80, sensors: ['site-7-*'] },
      { name: 'silent', kind: 'silence', afterSeconds: 60 },
    ];
    const view = ruleSetView(rules);
    expect(view[0].sensors).toEqual(['site-7-*']);
    expect(view[1]).toEqual({
      kind: 'silence',
      name: 'silent',
      type: 'SENSOR_SILENT',
      severity: 'major',
      sensors: [],
      afterSeconds: 60,
    });
    expect(ruleSetView(JSON.parse(JSON.stringify(view)))).toEqual(view);
  });
});

describe('parseRulesBody', () => {
  it('when {"rules": [...]}, then the parsed rules and the given ones', () => {
    const parsed = parseRulesBody({ rules: DEFAULT_RULES });
    expect(parsed).toEqual({ ok: true, rules: parseRuleSet(DEFAULT_RULES), given: DEFAULT_RULES });
  });

  it('when fields are unknown and rules have problems, then every problem is named', () => {
    const parsed = parseRulesBody({ rules: [{ metric: 'Temp', threshold: 'x' }], version: 3 });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems.map((p) => p.field).sort()).toEqual(
      ['rules[0].metric', 'rules[0].name', 'rules[0].threshold', 'version'].sort(),
    );
  });

  it('when rules are missing, a text, or the body is no object, then a 400 problem', () => {
    for (const body of [{}, { rules: '[]' }, [], null]) expect(parseRulesBody(body).ok).toBe(false);
  });
});
