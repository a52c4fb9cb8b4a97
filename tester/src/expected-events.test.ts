import type { Rule } from '../../shared/src';
import {
  expectationsFromTopic,
  expectedEvents,
  firstCopies,
  isWarning,
  ruleFor,
  seriesKey,
  type TopicReading,
} from './expected-events';

const temperature: Rule = { metric: 'temperature', comparison: '>=', threshold: 95, warningsForEvent: 3 };

describe('expectedEvents', () => {
  it("when the original's sequence is sent, then the events carry 99 and 98 and the counter ends at 3", () => {
    expect(expectedEvents([10, 100, 97, 99, 10, 100, 107, 98], temperature)).toEqual({
      events: [
        { index: 3, value: 99 },
        { index: 7, value: 98 },
      ],
      finalCount: 3,
    });
  });

  it('when warnings go on past N, then there is one event per run and the counter keeps counting', () => {
    expect(expectedEvents([95, 96, 97, 98, 99, 100, 101], temperature)).toEqual({
      events: [{ index: 2, value: 97 }],
      finalCount: 7,
    });
  });

  it('when a normal reading interrupts a run, then the count starts again', () => {
    expect(expectedEvents([95, 96, 94.99, 97, 98], temperature)).toEqual({ events: [], finalCount: 2 });
  });

  it('when the sequence ends with a normal reading, then the counter is 0', () => {
    expect(expectedEvents([100, 100, 100, 20], temperature).finalCount).toBe(0);
  });

  it('when N is 1, then every run of warnings raises an event at its first warning', () => {
    const one = { ...temperature, warningsForEvent: 1 };
    expect(expectedEvents([100, 101, 10, 102], one).events.map((e) => e.value)).toEqual([100, 102]);
  });

  it('when the metric has no rule, then nothing warns', () => {
    expect(expectedEvents([100, 100, 100, 100], undefined)).toEqual({ events: [], finalCount: 0 });
  });

  it('when there are no readings, then there are no events', () => {
    expect(expectedEvents([], temperature)).toEqual({ events: [], finalCount: 0 });
  });

  it.each([
    ['>=', 95, true],
    ['>=', 94.9, false],
    ['>', 95, false],
    ['>', 95.1, true],
    ['<=', 95, true],
    ['<', 95, false],
    ['<', 10, true],
  ] as const)('when the comparison is %s and the value %d, then warning is %s', (comparison, value, warning) => {
    expect(isWarning({ comparison, threshold: 95 }, value)).toBe(warning);
  });

  it('finds the rule of a metric, or none', () => {
    expect(ruleFor([temperature], 'temperature')).toBe(temperature);
    expect(ruleFor([temperature], 'humidity')).toBeUndefined();
  });
});

describe('expectationsFromTopic', () => {
  const t = (sensorId: string, id: string, value: number, metric = 'temperature'): TopicReading => ({
    id: `c/${sensorId}/${id}/${metric}`,
    sensorId,
    metric,
    value,
  });

  it('when the batch [1, 2] is sent twice and then 3 (issue 8, defect 1), then the counter is 3 and the event carries reading 3', () => {
    const topic = [t('s', '1', 99), t('s', '2', 99), t('s', '1', 99), t('s', '2', 99), t('s', '3', 99)];
    expect(expectationsFromTopic(topic, [temperature]).get(seriesKey('s', 'temperature'))).toEqual({
      sensorId: 's',
      metric: 'temperature',
      eventReadingIds: ['c/s/3/temperature'],
      eventIds: ['c/s/3/temperature:temperature'],
      finalCount: 3,
    });
  });

  it('when a warning is retried after a later normal reading, then the retry changes nothing', () => {
    const topic = [t('s', '1', 99), t('s', '2', 10), t('s', '1', 99), t('s', '3', 99), t('s', '4', 99)];
    expect(expectationsFromTopic(topic, [temperature]).get(seriesKey('s', 'temperature'))).toMatchObject({
      eventReadingIds: [],
      finalCount: 2,
    });
  });

  it("when the retry's first copy comes after a later reading in Kafka, then it counts where its first copy is", () => {
    // reading 2 reached Kafka first, then 1 (its request had timed out), then 1 again and 3
    const topic = [t('s', '2', 99), t('s', '1', 99), t('s', '1', 99), t('s', '3', 99)];
    expect(expectationsFromTopic(topic, [temperature]).get(seriesKey('s', 'temperature'))).toMatchObject({
      eventReadingIds: ['c/s/3/temperature'],
      finalCount: 3,
    });
  });

  it('when sensors and metrics interleave, then each series is counted on its own', () => {
    const topic = [t('a', '1', 99), t('b', '1', 99), t('a', '2', 99), t('a', '1', 99), t('a', '1', 99, 'humidity')];
    const expectations = expectationsFromTopic(topic, [temperature]);
    expect(expectations.get(seriesKey('a', 'temperature'))?.finalCount).toBe(2);
    expect(expectations.get(seriesKey('b', 'temperature'))?.finalCount).toBe(1);
    expect(expectations.get(seriesKey('a', 'humidity'))).toMatchObject({ eventReadingIds: [], finalCount: 0 });
  });

  it('keeps the first copy of each id, in order', () => {
    expect(firstCopies([{ id: 'x' }, { id: 'y' }, { id: 'x' }, { id: 'z' }, { id: 'y' }])).toEqual([
      { id: 'x' },
      { id: 'y' },
      { id: 'z' },
    ]);
  });
});
