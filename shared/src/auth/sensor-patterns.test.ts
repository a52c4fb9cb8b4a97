import { globMatches, sensorPatternMatcher, sensorPatternProblems } from './sensor-patterns';

describe('sensor patterns', () => {
  it.each([
    ['site-7-*', 'site-7-a', true],
    ['site-7-*', 'site-7-', true],
    ['site-7-*', 'site-8-a', false],
    ['site-7-*', 'xsite-7-a', false],
    ['*-7-*', 'site-7-a', true],
    ['s1', 's1', true],
    ['s1', 's10', false],
    ['s.1', 'sx1', false],
    ['*', '', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbYcZ', false],
    ['**', 'anything', true],
    ['a*', 'b', false],
  ])('%s against %s: %s', (pattern, id, expected) => {
    expect(globMatches(pattern, id)).toBe(expected);
  });

  it('when a pattern is hostile (many stars), then matching stays fast', () => {
    const pattern = `${'*a'.repeat(60)}*b`;
    const id = 'a'.repeat(128);
    const started = performance.now();
    expect(globMatches(pattern, id)).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('a matcher covers an id when any pattern does; none covers nothing', () => {
    const m = sensorPatternMatcher(['site-7-*', 'lab-1']);
    expect(m('site-7-x')).toBe(true);
    expect(m('lab-1')).toBe(true);
    expect(m('lab-2')).toBe(false);
    expect(sensorPatternMatcher([])('a')).toBe(false);
    expect(sensorPatternMatcher(['*'])('a')).toBe(true);
  });

  it('problems name the bad pattern', () => {
    expect(sensorPatternProblems(['a*', 'b'])).toEqual([]);
    expect(sensorPatternProblems([])).toEqual([{ field: 'sensors', message: expect.any(String) }]);
    expect(sensorPatternProblems('a*')).toEqual([{ field: 'sensors', message: expect.any(String) }]);
    expect(sensorPatternProblems(['ok', 'bad glob!', 3])).toEqual([
      { field: 'sensors[1]', message: expect.any(String) },
      { field: 'sensors[2]', message: expect.any(String) },
    ]);
    expect(sensorPatternProblems(Array(101).fill('a'))).toHaveLength(1);
  });
});
