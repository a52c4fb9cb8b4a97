import { authShare, describeAuthCost, timeAuthChecks } from './auth-phase';

describe('auth cost', () => {
  it('compares the mean of the auth-on rounds with the mean of the auth-off rounds', () => {
    const rounds = [
      {
        auth: 'off' as const,
        readingsPerSecond: 100,
        requestsPerSecond: 10,
        errors: 0,
        cpuSeconds: 1,
        readings: 500,
        requests: 50,
      },
      {
        auth: 'on' as const,
        readingsPerSecond: 90,
        requestsPerSecond: 9,
        errors: 0,
        cpuSeconds: 1.1,
        readings: 450,
        requests: 45,
      },
      {
        auth: 'on' as const,
        readingsPerSecond: 96,
        requestsPerSecond: 9,
        errors: 0,
        cpuSeconds: 1.1,
        readings: 480,
        requests: 45,
      },
      {
        auth: 'off' as const,
        readingsPerSecond: 110,
        requestsPerSecond: 11,
        errors: 1,
        cpuSeconds: 1,
        readings: 550,
        requests: 55,
      },
    ];
    const cost = authShare(rounds, 'readingsPerSecond');
    expect(cost.off).toBe(105);
    expect(cost.on).toBe(93);
    expect(cost.share).toBeCloseTo(93 / 105);
    expect(cost.cpuUsOff).toBeCloseTo((2 * 1e6) / 1050);
    expect(cost.cpuUsOn).toBeCloseTo((2.2 * 1e6) / 930);
    expect(cost.cpuRatio).toBeCloseTo(2.2 / 930 / (2 / 1050));
    const lines = describeAuthCost({
      batch: cost,
      single: authShare(rounds, 'requestsPerSecond'),
      checksUs: { batch: 50, single: 3 },
    });
    expect(lines.shift()).toMatch(/50.0 µs a batch request, 3.0 µs a single-reading one/);
    expect(lines[0]).toMatch(
      /93 readings\/s = 89% of 105 with auth off.*CPU 2365.6 µs a reading with auth on, 1904.8 off \(\+24%\); 1 errors/,
    );
    expect(lines[1]).toMatch(/requests\/s = 86% of 11 with auth off/);
  });

  it('a mode without auth-off figures has no share', () => {
    expect(authShare([], 'readingsPerSecond').share).toBeNaN();
  });

  it('times the checks of a request in microseconds', async () => {
    const us = await timeAuthChecks(10, 100, 500);
    expect(us).toBeGreaterThan(0);
    expect(us).toBeLessThan(10_000);
  });
});
