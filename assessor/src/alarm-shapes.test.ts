import { type AlarmRow, acknowledged, acknowledgedMessage, alarmBody, alarmsBody } from './alarm-shapes';
import { decodeTimeKey } from './cursor';

const T = Date.parse('2026-11-22T10:00:00.120Z');
const row = (overrides: Partial<AlarmRow> = {}): AlarmRow => ({
  id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  sensorId: 's-42',
  rule: 'temperature',
  metric: 'temperature',
  type: 'TEMPERATURE_EXCEEDED',
  severity: 'major',
  status: 'active',
  raisedAt: new Date(T),
  raisedAtUs: String(T * 1000),
  value: 99,
  peak: 107,
  events: 2,
  warnings: 7,
  lastWarningAt: new Date(T + 5000),
  clearedAt: null,
  clearedBy: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  comment: null,
  version: 3,
  ...overrides,
});

describe('alarmBody', () => {
  it('when shaped, then it is the contract alarm: ISO UTC times, nulls where not yet', () => {
    expect(alarmBody(row())).toEqual({
      id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      sensorId: 's-42',
      rule: 'temperature',
      metric: 'temperature',
      type: 'TEMPERATURE_EXCEEDED',
      severity: 'major',
      status: 'active',
      acknowledged: false,
      raisedAt: '2026-11-22T10:00:00.120Z',
      value: 99,
      peak: 107,
      events: 2,
      warnings: 7,
      lastWarningAt: '2026-11-22T10:00:05.120Z',
      clearedAt: null,
      clearedBy: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      comment: null,
    });
  });

  it('when more rows than the page, then the cursor is after the last one shown', () => {
    const rows = [row({ id: 'a' }), row({ id: 'b' }), row({ id: 'c' })];
    const body = alarmsBody(rows, 2);
    expect(body.alarms.map((a) => a.id)).toEqual(['a', 'b']);
    expect(decodeTimeKey(body.nextCursor!, 'alarm')).toEqual({ atUs: String(T * 1000), id: 'b' });
    expect(alarmsBody(rows, 3).nextCursor).toBeNull();
  });
});

describe('acknowledged', () => {
  const ack = { at: T + 9000, by: 'ops', comment: 'on it' };

  it('when not yet acknowledged, then the ack is set, the comment the ack’s', () => {
    expect(acknowledged(row(), ack)).toMatchObject({
      acknowledgedAt: new Date(T + 9000),
      acknowledgedBy: 'ops',
      comment: 'on it',
    });
  });

  it('when acknowledged already, then the first ack stays', () => {
    const first = row({ acknowledgedAt: new Date(T), acknowledgedBy: 'ann', comment: 'seen' });
    expect(acknowledged(first, ack)).toBe(first);
  });

  it('when the alarm has a comment (its clear’s), then it stays', () => {
    expect(acknowledged(row({ comment: 'fan replaced' }), ack).comment).toBe('fan replaced');
  });
});

describe('acknowledgedMessage', () => {
  it("when built, then it is the alarm acknowledged, at the row's version (an ack is no processor transition)", () => {
    const after = acknowledged(row(), { at: T + 9000, by: 'ops', comment: null });
    expect(acknowledgedMessage(after, T + 9000)).toEqual({
      transition: 'acknowledged',
      id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      sensorId: 's-42',
      rule: 'temperature',
      metric: 'temperature',
      type: 'TEMPERATURE_EXCEEDED',
      severity: 'major',
      status: 'active',
      acknowledged: true,
      raisedAt: T,
      value: 99,
      peak: 107,
      events: 2,
      warnings: 7,
      lastWarningAt: T + 5000,
      clearedAt: null,
      clearedBy: null,
      acknowledgedAt: T + 9000,
      acknowledgedBy: 'ops',
      comment: null,
      version: 3,
      at: T + 9000,
    });
  });
});
