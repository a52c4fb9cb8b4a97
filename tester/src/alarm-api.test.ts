import { alarmProblems, bearer } from './alarm-api';

const alarm = {
  id: '7fd27689-eb61-5561-a136-544147eaf467',
  sensorId: 'boiler-7',
  rule: 'temperature',
  metric: 'temperature',
  type: 'TEMPERATURE_EXCEEDED',
  severity: 'major',
  status: 'active',
  acknowledged: false,
  raisedAt: '2026-12-01T20:48:02.204Z',
  value: 99,
  peak: 107,
  events: 1,
  warnings: 5,
  lastWarningAt: '2026-12-01T20:48:02.419Z',
  clearedAt: null,
  clearedBy: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  comment: null,
};

describe('alarm shape', () => {
  it('when an alarm is as the contract shows it, then it has no problem', () => {
    expect(alarmProblems(alarm)).toEqual([]);
    const silence = { ...alarm, type: 'SENSOR_SILENT', metric: null, value: null, peak: null, lastWarningAt: null };
    expect(alarmProblems(silence)).toEqual([]);
  });

  it('when fields are missing, of another type or times not UTC, then each is named', () => {
    const { comment: _comment, ...noComment } = alarm;
    expect(alarmProblems(noComment)).toEqual(['comment is missing']);
    expect(alarmProblems({ ...alarm, raisedAt: '2026-12-01T21:48:02+01:00', events: '1', status: 'open' })).toEqual([
      'status is "open", not status',
      'raisedAt is "2026-12-01T21:48:02+01:00", not time',
      'events is "1", not number',
    ]);
    expect(alarmProblems([])).toEqual(['not an object']);
  });

  it('when the status and the clear, or the ack fields, disagree, then it says so', () => {
    expect(alarmProblems({ ...alarm, status: 'cleared' })).toEqual(['a cleared alarm needs clearedAt and clearedBy']);
    expect(alarmProblems({ ...alarm, clearedBy: 'rule', clearedAt: alarm.raisedAt })).toEqual([
      'an active alarm has clearedAt and clearedBy null',
    ]);
    expect(alarmProblems({ ...alarm, acknowledged: true })).toEqual([
      'acknowledged goes with acknowledgedAt and acknowledgedBy',
    ]);
  });

  it('sends a token as a Bearer header, and nothing without one', () => {
    expect(bearer('abc')).toEqual({ authorization: 'Bearer abc' });
    expect(bearer(undefined)).toEqual({});
  });
});
