import { sampleResult } from '../fixtures/bench-result';
import type { BacklogSample } from './bench-result';
import { backlogTrend, computeRatios, evaluateTargets, judge, latencyRunRate, slope, sustainedRate } from './targets';

const byName = (r = sampleResult()) => Object.fromEntries(evaluateTargets(r).map((t) => [t.name, t]));

describe('targets', () => {
  it('when a figure is judged, then the margin is relative to the threshold, both ways', () => {
    expect(judge(25_000, 20_000, 'atLeast')).toEqual({ met: true, verdict: 'met, 25% headroom' });
    expect(judge(15_000, 20_000, 'atLeast')).toEqual({ met: false, verdict: 'missed by 25%' });
    expect(judge(600, 500, 'below')).toEqual({ met: false, verdict: 'missed by 20%' });
    expect(judge(25, 100, 'below')).toEqual({ met: true, verdict: 'met, 75% headroom' });
    expect(judge(Number.NaN, 1, 'below')).toEqual({ met: false, verdict: 'not measured' });
  });

  it('when the sample result is evaluated, then each target is met or missed by the right amount', () => {
    const t = byName();
    // paced at the target: the headroom is what the full-speed run stored beyond it
    expect(t['End-to-end throughput']).toMatchObject({ met: true, verdict: 'met, 50% headroom' });
    expect(t['Receiver, batch requests']).toMatchObject({ met: true, verdict: 'met, 17% headroom' });
    expect(t['Receiver, single-reading requests']).toMatchObject({ met: false, verdict: 'missed by 20%' });
    expect(t.Saver).toMatchObject({ met: false, verdict: 'missed by 67%' });
    expect(t['Saver'].measured).toBe('40,000 rows/s = 20% of 200,000 (COPY)');
    expect(t['Event latency']).toMatchObject({ met: false, verdict: 'missed by 20%' });
    expect(t['Memory per service']).toMatchObject({ met: false, verdict: 'missed by 17%' });
    expect(t['Hourly statistics over 30 days']).toMatchObject({ met: true, verdict: 'met, 75% headroom' });
  });

  it('when the backlog grew or readings were lost end to end, then the target is missed and says why', () => {
    const r = sampleResult();
    r.endToEnd = { ...r.endToEnd, backlogGrew: true, backlogSlopePerS: 3000, storedPerSecond: 17_000, lost: 12 };
    const e2e = byName(r)['End-to-end throughput'];
    expect(e2e.met).toBe(false);
    expect(e2e.verdict).toBe('missed: missed by 15%; 12 readings lost; backlog grew 3,000/s');
    expect(sustainedRate(r.endToEnd)).toBe(17_000);
  });

  it('when the history is shorter than 30 days or the latency rate was lowered, then those targets are not met', () => {
    const r = sampleResult();
    r.statistics = { ...r.statistics, days: 2 };
    r.eventLatency = { ...r.eventLatency, targetRate: 3000, latencyMs: { ...r.eventLatency.latencyMs, p99: 100 } };
    const t = byName(r);
    expect(t['Hourly statistics over 30 days']).toMatchObject({
      met: false,
      verdict: 'not judged: 2 days of history only (quick run)',
    });
    expect(t['Event latency'].met).toBe(false);
    expect(t['Event latency'].verdict).toContain('at 3,000 readings/s only');
  });

  it('when ratios are computed, then each figure is divided by the limit it is bounded by', () => {
    const rows = computeRatios(sampleResult());
    const ratio = (figure: string, limit: string) =>
      rows.find((x) => x.figure === figure && x.limit.startsWith(limit))?.ratio;
    expect(ratio('Receiver, batch requests', 'raw kafkajs sendBatch')).toBeCloseTo(0.7);
    expect(ratio('Processor', 'raw kafkajs consume')).toBeCloseTo(0.25);
    expect(ratio('Saver', 'raw PostgreSQL ingest')).toBeCloseTo(0.2);
    expect(ratio('Saver', 'UNNEST into a copy')).toBeCloseTo(0.8);
    expect(ratio('Saver', 'its own transaction')).toBeCloseTo(0.8);
    expect(ratio('End to end at full speed (stored)', 'slowest stage')).toBeCloseTo(30_000 / 40_000);
    expect(ratio('Hourly statistics, 30 days (API)', 'same buckets')).toBeCloseTo(36);
  });

  it('when the backlog holds steady, then it did not grow; when it climbs, then it grew', () => {
    const steady: BacklogSample[] = Array.from({ length: 60 }, (_, i) => ({
      t: i + 1,
      accepted: (i + 1) * 20_000,
      processed: (i + 1) * 20_000 - 2000,
      stored: (i + 1) * 20_000 - 5000 - (i % 2) * 3000,
    }));
    expect(backlogTrend(steady, 60, 20_000).grew).toBe(false);
    const climbing = steady.map((s) => ({ ...s, stored: s.t * 16_000 }));
    const trend = backlogTrend(climbing, 60, 20_000);
    expect(trend.grew).toBe(true);
    expect(trend.slopePerS).toBeCloseTo(4000);
    expect(trend.atEnd).toBe(60 * 4000);
  });

  it('when fitting a line, then the least-squares slope comes out', () => {
    expect(
      slope([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 5 },
      ]),
    ).toBeCloseTo(2);
    expect(slope([{ x: 1, y: 1 }])).toBe(0);
  });

  it('when the pipeline sustained well over the latency target, then the latency run uses the target, else 80% of it', () => {
    expect(latencyRunRate(5000, 20_000)).toBe(5000);
    expect(latencyRunRate(5000, 6250)).toBe(5000);
    expect(latencyRunRate(5000, 5000)).toBe(4000);
    expect(latencyRunRate(5000, 50)).toBe(100);
  });
});
