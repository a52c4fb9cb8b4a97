import { customParams, DAY, fromLocalInput, HOUR, resolveFrame, toLocalInput } from './time-range';

const NOW = Date.parse('2026-11-22T12:00:00Z');

describe('time frames', () => {
  it('a preset ends now and keeps its name (the frame slides with live data)', () => {
    expect(resolveFrame({ range: '6h' }, NOW)).toEqual({ from: NOW - 6 * HOUR, to: NOW, preset: '6h' });
    expect(resolveFrame({ range: '30d' }, NOW)).toEqual({ from: NOW - 30 * DAY, to: NOW, preset: '30d' });
  });

  it('without a range, or with a bad one, the frame is the last 24 hours', () => {
    expect(resolveFrame({}, NOW)).toEqual({ from: NOW - DAY, to: NOW, preset: '24h' });
    expect(resolveFrame({ range: '2y' }, NOW).preset).toBe('24h');
    expect(resolveFrame({ range: 'custom', from: 'x', to: 'y' }, NOW).preset).toBe('24h');
    expect(
      resolveFrame({ range: 'custom', from: '2026-11-22T10:00:00Z', to: '2026-11-22T09:00:00Z' }, NOW).preset,
    ).toBe('24h');
  });

  it('a custom frame round-trips through its URL parameters', () => {
    const from = Date.parse('2026-11-20T08:30:00.000Z');
    const to = Date.parse('2026-11-21T08:30:00.000Z');
    expect(resolveFrame(customParams(from, to), NOW)).toEqual({ from, to });
  });

  it('datetime-local values are local time, to the minute', () => {
    const ms = new Date(2026, 10, 22, 9, 5).getTime();
    expect(toLocalInput(ms)).toBe('2026-11-22T09:05');
    expect(fromLocalInput('2026-11-22T09:05')).toBe(ms);
    expect(fromLocalInput('yesterday')).toBeUndefined();
  });
});
