import {
  dedupMemory,
  deliveryPlan,
  median,
  ratio,
  type RoundFigure,
  roundOrder,
  type Setup,
  summarizeRounds,
} from './delivery-bench-figures';

const round = (
  r: number,
  setup: Setup,
  storedPerSecond: number,
  throughputWithDrain = storedPerSecond,
): RoundFigure => ({
  round: r,
  setup,
  acceptedPerSecond: storedPerSecond * 2,
  storedPerSecond,
  throughputWithDrain,
  drainS: 1,
  lost: 0,
});

describe('delivery bench figures', () => {
  it('takes the median of odd and even counts, NaN of none', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('divides only by a positive denominator', () => {
    expect(ratio(8, 10)).toBeCloseTo(0.8);
    expect(ratio(8, 0)).toBeNaN();
  });

  it('rotates the order of the set-ups each round', () => {
    expect(roundOrder(2).map((o) => `${o.round}${o.setup}`)).toEqual([
      '0single',
      '0singleIds',
      '0cluster',
      '1singleIds',
      '1cluster',
      '1single',
    ]);
    expect(deliveryPlan(true, 20_000).rounds).toBeGreaterThanOrEqual(2);
    expect(deliveryPlan(false, 20_000).rounds).toBeGreaterThanOrEqual(3);
  });

  it('gives the ratios of the medians and of each round', () => {
    const s = summarizeRounds([
      round(0, 'single', 30_000),
      round(0, 'singleIds', 27_000),
      round(0, 'cluster', 13_500),
      round(1, 'single', 20_000, 10_000),
      round(1, 'singleIds', 20_000, 9_000),
      round(1, 'cluster', 15_000, 6_000),
      round(2, 'single', 25_000),
      round(2, 'singleIds', 22_000),
      round(2, 'cluster', 11_000),
    ]);
    expect(s.bySetup.single.storedPerSecond).toEqual({ median: 25_000, min: 20_000, max: 30_000 });
    expect(s.clientIdShare).toBeCloseTo(22_000 / 25_000);
    expect(s.clusterShare).toBeCloseTo(13_500 / 22_000);
    expect(s.clientIdShareByRound.map((x) => Number(x.toFixed(2)))).toEqual([0.9, 1, 0.88]);
    expect(s.clusterShareByRound.map((x) => Number(x.toFixed(2)))).toEqual([0.5, 0.75, 0.5]);
    expect(s.clientIdShareWithDrain).toBeCloseTo(22_000 / 25_000);
  });

  it('converts the dedup sets to bytes an entry and MB a window', () => {
    const m = dedupMemory({
      bytes: 33_000_000,
      entries: 300_000,
      sets: 6,
      readingsAccepted: 600_000,
      rate: 20_000,
      windowMs: 600_000,
    });
    expect(m.bytesPerEntry).toBeCloseTo(110);
    expect(m.entriesPerReading).toBeCloseTo(0.5);
    // 20,000/s, half of them entering the set, for 600 s
    expect(m.windowEntriesAtRate).toBeCloseTo(6_000_000);
    expect(m.windowMbAtRate).toBeCloseTo(660);
    // 1,000 sensors, one entering reading a second each, for 600 s: 600,000 entries of 110 bytes
    expect(m.entriesPer1000Sensors).toBe(600_000);
    expect(m.mbPer1000Sensors).toBeCloseTo(66);
  });

  it('gives NaN, not Infinity, for an empty sample', () => {
    const m = dedupMemory({ bytes: 0, entries: 0, sets: 0, readingsAccepted: 0, rate: 1, windowMs: 1000 });
    expect(m.bytesPerEntry).toBeNaN();
    expect(m.mbPer1000Sensors).toBeNaN();
  });
});
