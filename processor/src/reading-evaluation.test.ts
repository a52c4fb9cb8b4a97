import { DEFAULT_RULES } from '../../shared/src';
import { evaluate, eventFor, rulesByMetric } from './reading-evaluation';

const rules = rulesByMetric(DEFAULT_RULES);
const reading = (metric: string, value: number) => ({ id: 'r1', sensorId: 's', metric, value, at: 10, receivedAt: 11 });

describe('evaluate', () => {
  it('when the metric has no rule, then the reading is not counted at all', () => {
    expect(evaluate(reading('humidity', 1000), '5', rules)).toBeUndefined();
  });

  it('when the reading is normal, then it is no warning and carries no event', () => {
    expect(evaluate(reading('temperature', 94.99), '5', rules)).toEqual({
      reading: reading('temperature', 94.99),
      offset: '5',
      rule: DEFAULT_RULES[0],
      warning: false,
    });
  });

  it('when the reading breaks the rule, then it is a warning with the event it would raise', () => {
    const e = evaluate(reading('temperature', 95), '5', rules);
    expect(e?.warning).toBe(true);
    expect(e?.candidate).toEqual(eventFor(reading('temperature', 95), DEFAULT_RULES[0]));
  });
});

describe('eventFor', () => {
  it("derives the event's id from the reading, so a replay raises the same event", () => {
    expect(eventFor(reading('temperature', 99), DEFAULT_RULES[0])).toEqual({
      id: 'r1',
      sensorId: 's',
      metric: 'temperature',
      type: 'TEMPERATURE_EXCEEDED',
      value: 99,
      at: 10,
      threshold: 95,
      rule: 'temperature >= 95',
      warningsForEvent: 3,
      readingId: 'r1',
    });
  });
});
