import { parseRuleSet } from '../../shared/src/rule-set';
import { globMatches } from '../../shared/src/sensor-glob';
import { benchRuleSet, describeRuleCost, roundSchedule, ruleCostShares, suffixPatterns } from './rules-phase';

describe('rules phase', () => {
  it('when rounds are scheduled, then the three rule sets alternate cycle by cycle', () => {
    expect(roundSchedule(2)).toEqual(['default', 'hundred', 'thousand', 'default', 'hundred', 'thousand']);
  });

  it.each([10, 100] as const)(
    'when the fleet is split by %i patterns, then every pre-load sensor matches exactly one',
    (count) => {
      const patterns = suffixPatterns(count);
      expect(patterns).toHaveLength(count);
      for (let n = 0; n < 1000; n++) {
        const id = `bench-abc123-pre-${n}`;
        const hits = patterns.filter((ps) => ps.some((p) => globMatches(p, id)));
        expect(hits).toHaveLength(1);
        expect(hits[0]).toBe(patterns[n % count]);
      }
    },
  );

  it('when the rule sets are made, then they are valid rule sets of 1, 100 and 1,000 rules over 10 metrics', () => {
    expect(parseRuleSet(benchRuleSet('default'))).toHaveLength(1);
    const hundred = parseRuleSet(benchRuleSet('hundred'));
    const thousand = parseRuleSet(benchRuleSet('thousand'));
    expect(hundred).toHaveLength(100);
    expect(thousand).toHaveLength(1000);
    const metrics = new Set(thousand.map((r) => (r.kind === 'threshold' ? r.metric : '')));
    expect(metrics.size).toBe(10);
    expect(metrics.has('temperature') && metrics.has('humidity')).toBe(true);
    const temperature = hundred.filter((r) => r.kind === 'threshold' && r.metric === 'temperature');
    expect(temperature.every((r) => r.kind === 'threshold' && r.threshold === 95 && r.warningsForEvent === 3)).toBe(
      true,
    );
  });

  it('when rounds are measured, then each set is shared against the default rule of its own cycle, median taken', () => {
    const round = (set: 'default' | 'hundred' | 'thousand', readingsPerSecond: number, cpuUsPerReading = 10) => ({
      set,
      rules: set === 'default' ? 1 : set === 'hundred' ? 100 : 1000,
      readingsPerSecond,
      events: 0,
      cpuUsPerReading: set === 'default' ? 10 : cpuUsPerReading,
    });
    const sets = ruleCostShares([
      round('default', 100),
      round('hundred', 90, 20),
      round('thousand', 60),
      round('default', 50), // a slow cycle: the shares stay fair
      round('hundred', 40, 12.5),
      round('thousand', 25),
      round('default', 100),
      round('hundred', 70, Number.NaN),
      round('thousand', 80),
    ]);
    expect(sets.map((s) => s.set)).toEqual(['default', 'hundred', 'thousand']);
    expect(sets[0].medianReadingsPerSecond).toBe(100);
    expect(sets[0].share).toBe(1);
    expect(sets[1].cycleShares).toEqual([0.9, 0.8, 0.7]);
    expect(sets[1].share).toBe(0.8);
    // by CPU: 10/20 and 10/12.5, the unmeasured round left out; the lower middle of two
    expect(sets[1].cpuShare).toBe(0.5);
    expect(sets[2].cpuShare).toBe(1);
    expect(sets[2].cycleShares).toEqual([0.6, 0.5, 0.8]);
    expect(sets[2].share).toBe(0.6);
    const lines = describeRuleCost({ readingsPerRound: 1000, cycles: 3, rounds: [], sets });
    expect(lines[1]).toContain('80% of the default rule');
    expect(lines[2]).toContain('target >= 50%');
  });
});
