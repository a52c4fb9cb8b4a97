import { iso, parseIsoDateTime } from './instants';

describe('parseIsoDateTime', () => {
  it.each([
    ['2026-11-22T10:00:00Z', Date.UTC(2026, 10, 22, 10)],
    ['2026-11-22T10:00:00.123Z', Date.UTC(2026, 10, 22, 10, 0, 0, 123)],
    ['2026-11-22T12:00:00+02:00', Date.UTC(2026, 10, 22, 10)],
    ['2026-11-22T10:00Z', Date.UTC(2026, 10, 22, 10)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('parses %s', (text, ms) => {
    expect(parseIsoDateTime(text)).toBe(ms);
  });

  it.each([
    '2025-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-22 10:00:00Z',
    '2026-11-22T24:00:00Z',
    '2026-11-22',
    '',
  ])('refuses %j', (text) => {
    expect(parseIsoDateTime(text)).toBeUndefined();
  });
});

describe('iso', () => {
  it('writes epoch ms and Dates alike, in UTC with milliseconds', () => {
    expect(iso(Date.UTC(2026, 10, 22, 10))).toBe('2026-11-22T10:00:00.000Z');
    expect(iso(new Date(Date.UTC(2026, 10, 22, 10, 0, 0, 5)))).toBe('2026-11-22T10:00:00.005Z');
  });
});
