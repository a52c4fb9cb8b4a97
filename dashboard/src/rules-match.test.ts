import { rulesFor, thresholdsFromEvents } from './rules-match';

describe('rules of a sensor metric', () => {
  it('threshold rules of the metric whose patterns cover the sensor (none: all sensors)', () => {
    const rules = [
      { name: 'hot', metric: 'temperature', threshold: 95 },
      { name: 'hotter', metric: 'temperature', threshold: 105, sensors: ['lab-*'] },
      { name: 'wet', metric: 'humidity', threshold: 80 },
      { name: 'silent', kind: 'silence', afterSeconds: 300 },
    ];
    expect(rulesFor(rules, 'lab-1', 'temperature').map((r) => r.name)).toEqual(['hot', 'hotter']);
    expect(rulesFor(rules, 'field-1', 'temperature').map((r) => r.name)).toEqual(['hot']);
  });
});

describe('thresholds from events (a server without the rules API)', () => {
  it('one per rule and threshold of the metric', () => {
    const events = [
      { metric: 'temperature', rule: 'hot', threshold: 95 },
      { metric: 'temperature', rule: 'hot', threshold: 95 },
      { metric: 'temperature', rule: 'hotter', threshold: 105 },
      { metric: 'humidity', rule: 'wet', threshold: 80 },
      { metric: 'temperature', rule: 'odd', threshold: 'x' },
    ];
    expect(thresholdsFromEvents(events, 'temperature')).toEqual([
      { rule: 'hot', threshold: 95 },
      { rule: 'hotter', threshold: 105 },
    ]);
  });
});
