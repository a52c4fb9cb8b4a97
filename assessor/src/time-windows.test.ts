import { DAY_MS, HOUR_MS, MINUTE_MS, type RangeSplit, rollingWindow, splitRange, type TimeRange } from './time-windows';

const t = (iso: string) => Date.parse(iso);

/** Every millisecond of [from, to) lands in exactly one part of the split, and nothing else does. */
function expectExactCover(range: TimeRange, split: RangeSplit) {
  const parts = [...(split.minutes ? [split.minutes] : []), ...split.raw].sort((a, b) => a.from - b.from);
  let cursor = range.from;
  for (const p of parts) {
    expect(p.from).toBe(cursor);
    expect(p.to).toBeGreaterThan(p.from);
    cursor = p.to;
  }
  expect(cursor).toBe(Math.max(range.from, range.to));
  if (split.minutes) {
    expect(Math.abs(split.minutes.from % MINUTE_MS)).toBe(0);
    expect(Math.abs(split.minutes.to % MINUTE_MS)).toBe(0);
  }
  for (const r of split.raw) expect(r.to - r.from).toBeLessThan(2 * MINUTE_MS);
}

describe('splitRange', () => {
  it('when the range is minute aligned, then it is all whole minutes and no raw span', () => {
    const range = { from: t('2026-11-22T10:00:00Z'), to: t('2026-11-22T12:00:00Z') };
    expect(splitRange(range)).toEqual({ minutes: range, raw: [] });
  });

  it('when both ends fall inside minutes, then the partial minutes are raw spans around the whole ones', () => {
    const range = { from: t('2026-11-22T10:00:30.250Z'), to: t('2026-11-22T10:05:10Z') };
    expect(splitRange(range)).toEqual({
      minutes: { from: t('2026-11-22T10:01:00Z'), to: t('2026-11-22T10:05:00Z') },
      raw: [
        { from: range.from, to: t('2026-11-22T10:01:00Z') },
        { from: t('2026-11-22T10:05:00Z'), to: range.to },
      ],
    });
  });

  it('when only the start is unaligned, then one raw span precedes the whole minutes', () => {
    const range = { from: t('2026-11-22T10:00:59.999Z'), to: t('2026-11-22T10:03:00Z') };
    expect(splitRange(range)).toEqual({
      minutes: { from: t('2026-11-22T10:01:00Z'), to: range.to },
      raw: [{ from: range.from, to: t('2026-11-22T10:01:00Z') }],
    });
  });

  it('when the range holds no whole minute, then it is one raw span', () => {
    const within = { from: t('2026-11-22T10:00:10Z'), to: t('2026-11-22T10:00:50Z') };
    expect(splitRange(within)).toEqual({ raw: [within] });
    const across = { from: t('2026-11-22T10:00:30Z'), to: t('2026-11-22T10:01:30Z') };
    expect(splitRange(across)).toEqual({ raw: [across] });
  });

  it('when the range is empty, then the split is empty', () => {
    expect(splitRange({ from: 5, to: 5 })).toEqual({ raw: [] });
  });

  it.each([
    [0, 1],
    [1, MINUTE_MS],
    [MINUTE_MS - 1, MINUTE_MS + 1],
    [123_456, 9_876_543],
    [-90_000, 30_000],
    [t('2026-11-22T10:00:00.001Z'), t('2026-12-22T10:00:00Z')],
  ])('when the range is [%d, %d), then the parts cover it exactly once', (from, to) => {
    expectExactCover({ from, to }, splitRange({ from, to }));
  });
});

describe('rollingWindow', () => {
  it('when asked for the last hour, then it is (now - 1 h, now]', () => {
    const now = t('2026-11-22T10:30:15.500Z');
    const w = rollingWindow(now, HOUR_MS);
    expect(w).toEqual({ from: now - HOUR_MS + 1, to: now + 1 });
    expect(w.to - w.from).toBe(HOUR_MS);
  });

  it('when now is not minute aligned, then the window splits into whole minutes and two raw edges', () => {
    const now = t('2026-11-22T10:30:15.500Z');
    const split = splitRange(rollingWindow(now, 30 * DAY_MS));
    expect(split.minutes).toEqual({ from: t('2026-10-23T10:31:00Z'), to: t('2026-11-22T10:30:00Z') });
    expect(split.raw).toHaveLength(2);
  });
});
