// The pure parts of the views: where the rules API's errors go, which live alarms a filtered list
// keeps, and the list of a logs answer.
import type { Alarm } from '../types';
import { matchesFilters } from './alarms';
import { linesOf } from './logs';
import { placeErrors } from './rules';

describe('rules editor errors', () => {
  it("a rule field's error goes next to that field; the others above the form", () => {
    const { byPath, other } = placeErrors([
      { field: 'rules[2].clearThreshold', message: 'must be below threshold' },
      { field: 'rules[2].clearThreshold', message: 'must be a number' },
      { field: 'rules[0].name', message: 'is taken' },
      { field: 'rules', message: 'at most 10000' },
    ]);
    expect(byPath.get('2.clearThreshold')).toEqual(['must be below threshold', 'must be a number']);
    expect(byPath.get('0.name')).toEqual(['is taken']);
    expect(other).toEqual([{ field: 'rules', message: 'at most 10000' }]);
  });
});

describe('live alarms in a filtered list', () => {
  const alarm = { sensorId: 's-1', rule: 'hot', severity: 'major', status: 'active', acknowledged: false } as Alarm;
  it('keeps those the filters select and drops the others', () => {
    expect(matchesFilters(alarm, { status: 'active' })).toBe(true);
    expect(matchesFilters(alarm, { status: 'all' })).toBe(true);
    expect(matchesFilters({ ...alarm, status: 'cleared' }, { status: 'active' })).toBe(false);
    expect(matchesFilters(alarm, { severity: 'critical' })).toBe(false);
    expect(matchesFilters(alarm, { acknowledged: 'true' })).toBe(false);
    expect(matchesFilters({ ...alarm, acknowledged: true }, { acknowledged: 'true' })).toBe(true);
    expect(matchesFilters(alarm, { sensorId: 's-2' })).toBe(false);
    expect(matchesFilters(alarm, { rule: 'hot' })).toBe(true);
  });
});

describe('logs answers', () => {
  it('reads `logs`, else the first list in the answer, else nothing', () => {
    const line = { at: '2026-11-22T10:00:00Z', level: 'info', message: 'm' };
    expect(linesOf({ logs: [line], nextCursor: null })).toEqual([line]);
    expect(linesOf({ lines: [line] })).toEqual([line]);
    expect(linesOf(null)).toEqual([]);
  });
});
