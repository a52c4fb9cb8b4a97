import { createLatencyMatcher, describeStreamFigures, streamSelections } from './stream-phase';

describe('stream selections', () => {
  it('when 100 streams take 50 of 1,000 sensors each, then every sensor is watched by 5 streams', () => {
    const selections = streamSelections(100, 1000, 50, 's-');
    expect(selections).toHaveLength(100);
    const watched = new Map<string, number>();
    for (const ids of selections) {
      expect(new Set(ids).size).toBe(50);
      for (const id of ids) watched.set(id, (watched.get(id) ?? 0) + 1);
    }
    expect(watched.size).toBe(1000);
    expect(new Set(watched.values())).toEqual(new Set([5]));
    expect(selections[99].slice(-1)).toEqual(['s-39']); // wraps
  });
});

describe('latency matcher', () => {
  it('when a reading arrives after its 200, then the latency is the time between', () => {
    const m = createLatencyMatcher();
    m.accepted('k', 1000);
    expect(m.pending).toBe(1);
    m.arrived('k', 1250);
    expect(m.pending).toBe(0);
    expect(m.summary()).toMatchObject({ count: 1, max: 250 });
  });

  it('when a reading arrives before its 200 was read, then it counts as early with a latency of 0', () => {
    const m = createLatencyMatcher();
    m.arrived('k', 1000);
    m.accepted('k', 1010);
    expect(m.early).toBe(1);
    expect(m.summary()).toMatchObject({ count: 1, max: 0 });
  });

  it('when the same key comes twice, then the pairs are first in, first out', () => {
    const m = createLatencyMatcher();
    m.accepted('k', 1000);
    m.accepted('k', 2000);
    m.arrived('k', 1100);
    m.arrived('k', 2300);
    expect(m.summary()).toMatchObject({ count: 2, min: 100, max: 300 });
  });
});

describe('stream figures', () => {
  it('when described, then the lines give deliveries, latency percentiles and the memory against their targets', () => {
    const lines = describeStreamFigures({
      streams: 100,
      sensors: 1000,
      sensorsPerStream: 50,
      targetRate: 5000,
      durationS: 30,
      readingsPerSecond: 4990,
      deliveriesExpected: 748_500,
      deliveriesReceived: 748_500,
      earlyDeliveries: 74_850,
      latencyMs: { count: 748_500, mean: 40, min: 0, max: 700, p50: 30, p95: 120, p99: 260 },
      assessorRssMb: 140,
      assessorPeakRssMb: 150,
      slowDisconnects: 0,
      postErrors: 0,
    });
    expect(lines[0]).toContain('748,500 of 748,500');
    expect(lines[1]).toContain('p99 260 ms');
    expect(lines[1]).toContain('10% arrived before');
    expect(lines[2]).toContain('peak 150 MB');
  });
});
