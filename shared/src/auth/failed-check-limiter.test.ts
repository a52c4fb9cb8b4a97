import { createFailedCheckLimiter } from './failed-check-limiter';

describe('failed token checks per address', () => {
  it('when an address fails perMinute times, then it is blocked until the bucket refills, others are not', () => {
    let now = 0;
    const limiter = createFailedCheckLimiter({ perMinute: 3, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.blockedFor('a')).toBe(0);
      limiter.failed('a');
    }
    expect(limiter.blockedFor('a')).toBe(20); // one failure back every 20 s
    expect(limiter.blockedFor('b')).toBe(0);
    now = 19_000;
    expect(limiter.blockedFor('a')).toBe(1);
    now = 20_000;
    expect(limiter.blockedFor('a')).toBe(0);
    limiter.failed('a');
    expect(limiter.blockedFor('a')).toBeGreaterThan(0);
  });

  it('when the limit is 0, then nobody is ever blocked', () => {
    const limiter = createFailedCheckLimiter({ perMinute: 0 });
    for (let i = 0; i < 100; i++) limiter.failed('a');
    expect(limiter.blockedFor('a')).toBe(0);
  });

  it('when more addresses fail than it remembers, then the oldest are forgotten (memory stays bounded)', () => {
    const limiter = createFailedCheckLimiter({ perMinute: 1, maxAddresses: 2, now: () => 0 });
    limiter.failed('a');
    limiter.failed('b');
    limiter.failed('c');
    expect(limiter.blockedFor('a')).toBe(0);
    expect(limiter.blockedFor('b')).toBeGreaterThan(0);
    expect(limiter.blockedFor('c')).toBeGreaterThan(0);
  });
});
