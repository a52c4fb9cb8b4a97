import { deliverUntilAccepted, type Outcome, parseRetryAfter, retryWaitMs } from './delivery-retry';

const failure: Outcome = { accepted: false, reason: 'http_500', status: 500 };
const accepted: Outcome = { accepted: true, status: 200 };

describe('retryWaitMs', () => {
  const policy = { initialMs: 500, maxMs: 30_000 };

  it('doubles from the first wait up to the cap, with jitter within ±25%', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 10].map((n) => retryWaitMs(n, {}, { ...policy, random: middle }))).toEqual([
      500, 1000, 2000, 4000, 30_000,
    ]);
    expect(retryWaitMs(3, {}, { ...policy, random: () => 0 })).toBe(1500);
    expect(retryWaitMs(3, {}, { ...policy, random: () => 0.999999 })).toBe(2500);
  });

  it('waits at least what a Retry-After asked for, but never beyond the cap', () => {
    expect(retryWaitMs(1, { retryAfterMs: 7000 }, { ...policy, random: () => 0.5 })).toBe(7000);
    expect(retryWaitMs(1, { retryAfterMs: 3_600_000 }, { ...policy, random: () => 0.5 })).toBe(30_000);
  });
});

describe('deliverUntilAccepted', () => {
  it('when the target fails twice and then accepts, then it is attempted three times, waiting between', async () => {
    const answers = [failure, { accepted: false, reason: 'timeout' } as Outcome, accepted];
    const waits: number[] = [];
    const reasons: string[] = [];
    const attempts = await deliverUntilAccepted(async () => answers.shift()!, {
      initialMs: 100,
      maxMs: 1000,
      random: () => 0.5,
      shouldContinue: () => true,
      sleep: async (ms) => {
        waits.push(ms);
      },
      onFailure: (outcome) => reasons.push(outcome.reason),
    });
    expect(attempts).toBe(3);
    expect(waits).toEqual([100, 200]);
    expect(reasons).toEqual(['http_500', 'timeout']);
  });

  it('when told to stop while the target keeps failing, then it gives up without a success', async () => {
    let stop = false;
    let calls = 0;
    const attempts = await deliverUntilAccepted(
      async () => {
        calls++;
        return failure;
      },
      {
        initialMs: 1,
        maxMs: 1,
        shouldContinue: () => !stop,
        sleep: async () => {
          if (calls === 4) stop = true;
        },
      },
    );
    expect(attempts).toBeUndefined();
    expect(calls).toBe(4);
  });

  it('when already stopping, then nothing is attempted', async () => {
    const attempt = jest.fn(async () => accepted);
    await expect(
      deliverUntilAccepted(attempt, { initialMs: 1, maxMs: 1, shouldContinue: () => false, sleep: async () => {} }),
    ).resolves.toBeUndefined();
    expect(attempt).not.toHaveBeenCalled();
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');
  it('reads seconds and HTTP dates; ignores what it cannot read', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
