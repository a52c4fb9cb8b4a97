import { backoffMs, retryUntilDone } from './retry';

describe('backoffMs', () => {
  it('doubles from the initial wait and stops at the cap, within ±25% jitter', () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 10].map((a) => backoffMs(a, 100, 1000, mid))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffMs(1, 100, 1000, () => 0)).toBe(75);
    expect(backoffMs(1, 100, 1000, () => 0.999999)).toBe(125);
  });
});

describe('retryUntilDone', () => {
  it('when the operation fails twice then succeeds, then it returns the result after two retries', async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await retryUntilDone(
      async () => {
        calls++;
        if (calls < 3) throw new Error('down');
        return 'done';
      },
      { initialMs: 1, maxMs: 2, onRetry: (_e, attempt) => retries.push(attempt) },
    );
    expect(result).toBe('done');
    expect(retries).toEqual([1, 2]);
  });

  it('when told to stop, then it rethrows the last error', async () => {
    await expect(
      retryUntilDone(() => Promise.reject(new Error('down')), { shouldContinue: () => false }),
    ).rejects.toThrow('down');
  });

  it('when the error is not retryable, then it rethrows at once', async () => {
    let calls = 0;
    await expect(
      retryUntilDone(
        async () => {
          calls++;
          throw new TypeError('bug');
        },
        { isRetryable: (e) => !(e instanceof TypeError) },
      ),
    ).rejects.toThrow('bug');
    expect(calls).toBe(1);
  });
});
