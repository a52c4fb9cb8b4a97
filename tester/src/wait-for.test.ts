import { DependencyError } from './dependency-error';
import { describe as describeValue, waitFor, waitForEqual, waitUntil } from './wait-for';

describe('waitUntil', () => {
  it('when the value becomes acceptable, then it is returned', async () => {
    let calls = 0;
    const value = await waitUntil(
      () => ++calls,
      (n) => n >= 3,
      { what: 'three calls', timeoutMs: 1000, intervalMs: 1 },
    );
    expect(value).toBe(3);
  });

  it('when time runs out, then the error names what was awaited and the last value', async () => {
    await expect(
      waitUntil(
        () => ({ count: 1 }),
        () => false,
        { what: 'the counter', timeoutMs: 20, intervalMs: 5 },
      ),
    ).rejects.toThrow('timed out after 20 ms waiting for the counter; last value: {"count":1}');
  });

  it('when the probe keeps failing, then the error carries its last failure', async () => {
    await expect(
      waitUntil(
        () => {
          throw new Error('not yet');
        },
        () => true,
        { what: 'x', timeoutMs: 10, intervalMs: 2 },
      ),
    ).rejects.toThrow('last attempt failed: not yet');
  });

  it('when the probe fails with a DependencyError, then the wait ends at once', async () => {
    const started = Date.now();
    await expect(
      waitUntil(
        () => {
          throw new DependencyError('Redis at 127.0.0.1:6379 does not answer (ECONNREFUSED)');
        },
        () => true,
        { what: 'x', timeoutMs: 10000 },
      ),
    ).rejects.toThrow('Redis at 127.0.0.1:6379 does not answer');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('when a probe fails then succeeds, then the success wins', async () => {
    let calls = 0;
    await expect(
      waitForEqual(
        () => {
          if (++calls < 2) throw new Error('flaky');
          return ['a'];
        },
        ['a'],
        { what: 'list', timeoutMs: 1000, intervalMs: 1 },
      ),
    ).resolves.toEqual(['a']);
  });

  it('waitForEqual names the expected value when it times out', async () => {
    await expect(waitForEqual(() => '2', '3', { what: 'the counter', timeoutMs: 5, intervalMs: 1 })).rejects.toThrow(
      'waiting for the counter to be "3"; last value: "2"',
    );
  });

  it('waitFor resolves once the condition holds', async () => {
    let n = 0;
    await expect(waitFor(() => ++n > 2, { what: 'n', timeoutMs: 1000, intervalMs: 1 })).resolves.toBeUndefined();
  });

  it('describe shortens long values', () => {
    expect(describeValue('x'.repeat(1000), 20)).toHaveLength(20);
    expect(describeValue(undefined)).toBe('undefined');
  });
});
