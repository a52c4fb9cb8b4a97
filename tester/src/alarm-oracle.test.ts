import { alarmStateView, expectedAlarms, type OracleRule, readingKind } from './alarm-oracle';

const rule: OracleRule = { comparison: '>=', threshold: 50, clearThreshold: 40, warningsForEvent: 3, clearAfter: 2 };
const series = (values: number[]) => values.map((value, i) => ({ value, at: 1000 * (i + 1) }));

describe('alarm oracle', () => {
  it('classifies readings: the threshold warns, the clear threshold itself is neutral, below it clears', () => {
    expect([50, 49.9, 40, 39.9].map((v) => readingKind(rule, v))).toEqual([
      'warning',
      'neutral',
      'neutral',
      'clearing',
    ]);
    const below: OracleRule = { ...rule, comparison: '<', threshold: 10, clearThreshold: 15 };
    expect([9, 10, 14.9, 15].map((v) => readingKind(below, v))).toEqual(['warning', 'neutral', 'neutral', 'clearing']);
  });

  it('when N warnings come in a row, then an alarm is raised with the N-th value, N warnings and 1 event', () => {
    expect(expectedAlarms(rule, series([20, 55, 58, 61]))).toEqual([
      {
        status: 'active',
        value: 61,
        peak: 61,
        events: 1,
        warnings: 3,
        raisedAt: 4000,
        lastWarningAt: 4000,
        clearedAt: null,
        raisedBy: 3,
        clearedBy: null,
      },
    ]);
  });

  it('when fewer than N warnings come in a row, then nothing is raised', () => {
    expect(expectedAlarms(rule, series([55, 56, 45, 57, 58, 30]))).toEqual([]);
  });

  it('when active, then every warning counts and moves the peak, another run of N adds an event, clearAfter clears', () => {
    const [alarm] = expectedAlarms(rule, series([55, 56, 57, 70, 30, 51, 52, 53, 30, 20]));
    expect(alarm).toMatchObject({ status: 'cleared', value: 57, peak: 70, events: 2, warnings: 7 });
    expect([alarm.lastWarningAt, alarm.clearedAt, alarm.clearedBy]).toEqual([8000, 10000, 9]);
  });

  it('when readings between the thresholds come, then they clear nothing and break the clearing streak', () => {
    const [alarm] = expectedAlarms(rule, series([55, 56, 57, 45, 39, 45, 39, 40, 52]));
    expect(alarm).toMatchObject({ status: 'active', warnings: 4, peak: 57, lastWarningAt: 9000 });
    const [cleared] = expectedAlarms(rule, series([55, 56, 57, 45, 39, 45, 39, 40, 52, 39, 38]));
    expect(cleared).toMatchObject({ status: 'cleared', clearedAt: 11000 });
  });

  it('when an alarm was cleared, then the next N warnings raise a new one', () => {
    const alarms = expectedAlarms(rule, series([51, 52, 53, 1, 1, 54, 55, 56]));
    expect(alarms.map((a) => [a.status, a.value, a.raisedBy])).toEqual([
      ['cleared', 53, 2],
      ['active', 56, 7],
    ]);
  });

  it('shows times as ISO-8601 UTC, as the API answers them', () => {
    const [alarm] = expectedAlarms(rule, series([51, 52, 53]));
    expect(alarmStateView(alarm)).toEqual({
      status: 'active',
      value: 53,
      peak: 53,
      events: 1,
      warnings: 3,
      raisedAt: '1970-01-01T00:00:03.000Z',
      lastWarningAt: '1970-01-01T00:00:03.000Z',
      clearedAt: null,
    });
  });
});
