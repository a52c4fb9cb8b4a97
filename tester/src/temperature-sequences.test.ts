import { expectedEvents } from './expected-events';
import { temperatureSequences } from './temperature-sequences';

const rule = { metric: 'temperature', comparison: '>=' as const, threshold: 95, warningsForEvent: 3 };

describe('temperatureSequences', () => {
  it('when the seed is the same, then the sequences are the same', () => {
    expect(temperatureSequences(7, 3, 10)).toEqual(temperatureSequences(7, 3, 10));
    expect(temperatureSequences(7, 3, 10)).not.toEqual(temperatureSequences(8, 3, 10));
  });

  it("when the concurrent test's workload is drawn, then sensors with no, one and several events all occur", () => {
    const counts = temperatureSequences(20171122, 50, 20).map((s) => expectedEvents(s, rule).events.length);
    expect(counts.some((n) => n === 0)).toBe(true);
    expect(counts.some((n) => n === 1)).toBe(true);
    expect(counts.some((n) => n >= 2)).toBe(true);
  });

  it('draws one-decimal temperatures within the two ranges', () => {
    for (const value of temperatureSequences(1, 10, 50).flat()) {
      expect((value >= 95 && value <= 110) || (value >= 20 && value <= 90)).toBe(true);
      expect(Math.round(value * 10) / 10).toBe(value);
    }
  });
});
