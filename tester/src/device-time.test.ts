import { formatAt, isoWithOffset } from './device-time';

const ms = Date.parse('2026-11-22T10:00:03.120Z');

describe('device times', () => {
  it('writes the same instant with a UTC offset', () => {
    expect(isoWithOffset(ms, '+02:00')).toBe('2026-11-22T12:00:03.120+02:00');
    expect(isoWithOffset(ms, '-05:30')).toBe('2026-11-22T04:30:03.120-05:30');
    expect(Date.parse(isoWithOffset(ms, '-05:30'))).toBe(ms);
  });

  it('formats as ISO in UTC, epoch ms or with an offset', () => {
    expect(formatAt(ms, 'iso')).toBe('2026-11-22T10:00:03.120Z');
    expect(formatAt(ms, 'epoch')).toBe(ms);
    expect(formatAt(ms, '+02:00')).toBe('2026-11-22T12:00:03.120+02:00');
  });

  it('refuses what is not an offset', () => {
    expect(() => isoWithOffset(ms, '+2')).toThrow('not a UTC offset');
  });
});
