import { globMatches, SENSOR_GLOB, sensorGlobMatcher } from './sensor-glob';

describe('globMatches', () => {
  it.each([
    ['site-7-*', 'site-7-a', true],
    ['site-7-*', 'site-7-', true],
    ['site-7-*', 'site-8-a', false],
    ['site-7-*', 'xsite-7-a', false],
    ['*-7-*', 'site-7-a', true],
    ['*-42', 's-42', true],
    ['s1', 's1', true],
    ['s1', 's10', false],
    ['s.1', 's.1', true],
    ['s.1', 'sx1', false],
    ['*', '', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbYcZ', false],
    ['a*b*c', 'aXcYb', false],
    ['ab*ba', 'aba', false],
    ['**', 'anything', true],
    ['a*', 'b', false],
  ])('%s against %s: %s', (pattern, id, expected) => {
    expect(globMatches(pattern, id)).toBe(expected);
  });

  it('when a pattern is hostile (many stars, no match), then it still answers, and correctly', () => {
    expect(globMatches(`${'*a'.repeat(60)}*b`, 'a'.repeat(128))).toBe(false);
    expect(globMatches(`${'*a'.repeat(60)}*`, 'a'.repeat(128))).toBe(true);
  });
});

describe('sensorGlobMatcher', () => {
  it('when any pattern covers an id, then it matches; an empty list means what the caller says', () => {
    const m = sensorGlobMatcher(['site-7-*', 'lab-1'], false);
    expect(['site-7-x', 'lab-1', 'lab-2'].map(m)).toEqual([true, true, false]);
    expect([sensorGlobMatcher([], false)('a'), sensorGlobMatcher([], true)('a')]).toEqual([false, true]);
    expect(sensorGlobMatcher(['*'], false)('a')).toBe(true);
  });

  it('SENSOR_GLOB takes the id characters and *, 1 to 128 of them', () => {
    expect(['site-7-*', 'a.b:c_d', '*'].map((p) => SENSOR_GLOB.test(p))).toEqual([true, true, true]);
    expect(['', 'a b', 'a/b', 'x'.repeat(129), 'a?'].map((p) => SENSOR_GLOB.test(p))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
