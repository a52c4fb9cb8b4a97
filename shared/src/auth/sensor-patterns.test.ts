import { sensorPatternMatcher, sensorPatternProblems } from './sensor-patterns';

describe('sensor patterns', () => {
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
