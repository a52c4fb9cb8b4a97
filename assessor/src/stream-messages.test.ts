import type { AlarmMessage } from '../../shared/src';
import { alarmData, eventData, readingData } from './stream-messages';

const at = Date.parse('2026-11-22T10:00:03.120Z');

describe('stream messages', () => {
  it('when a reading is sent, then it is sensorId, metric, value and at in ISO-8601', () => {
    expect(
      readingData({ id: 'r1', sensorId: 's-1', metric: 'temperature', value: 21.5, at, receivedAt: at + 5 }),
    ).toEqual({ sensorId: 's-1', metric: 'temperature', value: 21.5, at: '2026-11-22T10:00:03.120Z' });
  });

  it('when an event is sent, then it is the compat event (metric field first) plus sensorId', () => {
    const data = eventData({
      id: 'e1',
      sensorId: 's-1',
      metric: 'humidity',
      type: 'HUMIDITY_EXCEEDED',
      value: 80,
      at,
      threshold: 70,
      rule: 'humidity',
      warningsForEvent: 3,
      readingId: 'r1',
    });
    expect(JSON.stringify(data)).toBe(
      '{"humidity":80,"at":"2026-11-22T10:00:03.120Z","type":"HUMIDITY_EXCEEDED","metric":"humidity","value":80,"sensorId":"s-1"}',
    );
  });

  it('when an alarm transition is sent, then it is the contract alarm: no transition, version or at; times ISO or null', () => {
    const message: AlarmMessage = {
      transition: 'acknowledged',
      id: 'a1',
      sensorId: 's-42',
      rule: 'temperature',
      metric: 'temperature',
      type: 'TEMPERATURE_EXCEEDED',
      severity: 'major',
      status: 'active',
      acknowledged: true,
      raisedAt: at,
      value: 99,
      peak: 107,
      events: 2,
      warnings: 7,
      lastWarningAt: at + 1000,
      clearedAt: null,
      clearedBy: null,
      acknowledgedAt: at + 2000,
      acknowledgedBy: 'ops',
      comment: null,
      version: 4,
      at: at + 2000,
    };
    expect(Object.keys(alarmData(message))).toEqual([
      'id',
      'sensorId',
      'rule',
      'metric',
      'type',
      'severity',
      'status',
      'acknowledged',
      'raisedAt',
      'value',
      'peak',
      'events',
      'warnings',
      'lastWarningAt',
      'clearedAt',
      'clearedBy',
      'acknowledgedAt',
      'acknowledgedBy',
      'comment',
    ]);
    expect(alarmData(message)).toMatchObject({
      raisedAt: '2026-11-22T10:00:03.120Z',
      lastWarningAt: '2026-11-22T10:00:04.120Z',
      clearedAt: null,
      acknowledgedAt: '2026-11-22T10:00:05.120Z',
    });
  });
});
