import { median, pairShares } from './client-phase';

const round = (readingsPerSecond: number) => ({ readings: readingsPerSecond, seconds: 1, readingsPerSecond });

describe('client phase figures', () => {
  it('median: the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('pair shares: each client round over the simulator round run next to it; one noisy pair does not move the median', () => {
    const shares = pairShares(
      [round(100), round(100), round(40), round(100)],
      [round(95), round(92), round(90), round(97)],
    );
    expect(shares).toEqual([0.95, 0.92, 2.25, 0.97]);
    expect(median(shares)).toBeCloseTo(0.96);
  });
});
