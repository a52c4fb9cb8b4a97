import { createPacer, waitBeforeMs } from './pacing';

describe('pacing', () => {
  it('when paced at 5,000 readings/s with 2 readings per request, then requests are due every 0.4 ms for the duration', () => {
    const pacer = createPacer({ readingsPerSecond: 5000, readingsPerRequest: 2, durationMs: 10_000 });
    expect(pacer.requestsPerSecond).toBe(2500);
    expect(pacer.plannedRequests).toBe(25_000);
    expect(pacer.dueAtMs(0)).toBe(0);
    expect(pacer.dueAtMs(2500)).toBeCloseTo(1000);
    expect(pacer.isFinished(24_999, 0)).toBe(false);
    expect(pacer.isFinished(25_000, 0)).toBe(true);
  });

  it('when the rate is not a multiple of the readings per request, then the average rate is kept', () => {
    const pacer = createPacer({ readingsPerSecond: 1000, readingsPerRequest: 3, durationMs: 3000 });
    expect(pacer.plannedRequests).toBe(1000);
    expect(pacer.dueAtMs(1000)).toBeCloseTo(3000);
  });

  it('when unpaced (rate 0), then every request is due at once and the run ends at its duration', () => {
    const pacer = createPacer({ readingsPerSecond: 0, readingsPerRequest: 500, durationMs: 2000 });
    expect(pacer.requestsPerSecond).toBe(0);
    expect(pacer.plannedRequests).toBeUndefined();
    expect(pacer.dueAtMs(123_456)).toBe(0);
    expect(pacer.isFinished(10 ** 9, 1999)).toBe(false);
    expect(pacer.isFinished(0, 2000)).toBe(true);
  });

  it('when a request is late, then it is sent at once; when early, then after the difference', () => {
    expect(waitBeforeMs(100, 150)).toBe(0);
    expect(waitBeforeMs(100, 40)).toBe(60);
  });

  it('when the readings per request are not positive, then the pacer refuses', () => {
    expect(() => createPacer({ readingsPerSecond: 10, readingsPerRequest: 0, durationMs: 1 })).toThrow(
      'readingsPerRequest',
    );
    expect(() => createPacer({ readingsPerSecond: -1, readingsPerRequest: 1, durationMs: 1 })).toThrow(
      'readingsPerSecond',
    );
  });
});
