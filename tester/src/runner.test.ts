import { reasonOf, runTests } from './runner';
import { TestSkipped } from './skip';
import type { Test, TestContext } from './test-definition';

const ctx = {} as TestContext;
const test = (name: string, run: () => Promise<void>): Test => ({ name, description: name, run });

describe('runTests', () => {
  it('when tests pass and fail, then each gets its line in order, with the reason of a failure', async () => {
    const lines: string[] = [];
    let clock = 0;
    const results = await runTests(
      [
        test('first', async () => undefined),
        test('second', async () => {
          throw new Error('counter: expected "3", got "2"');
        }),
      ],
      ctx,
      { testTimeoutMs: 1000, write: (l) => lines.push(l), now: () => (clock += 500) },
    );
    expect(results.map((r) => [r.name, r.passed, r.reason])).toEqual([
      ['first', true, undefined],
      ['second', false, 'counter: expected "3", got "2"'],
    ]);
    expect(lines).toEqual(['OK   first (500 ms)', 'Fail second: counter: expected "3", got "2" (500 ms)']);
  });

  it('when a test runs too long, then it fails with the time limit and the next test still runs', async () => {
    const lines: string[] = [];
    const results = await runTests(
      [test('slow', () => new Promise(() => undefined)), test('next', async () => undefined)],
      ctx,
      { testTimeoutMs: 20, write: (l) => lines.push(l) },
    );
    expect(results[0].reason).toBe('did not finish within 20 ms');
    expect(results[1].passed).toBe(true);
  });

  it('when a test throws TestSkipped, then it is skipped with its reason, not failed', async () => {
    const lines: string[] = [];
    const results = await runTests(
      [
        test('alarm-ack', async () => {
          throw new TestSkipped('needs an operator token');
        }),
      ],
      ctx,
      { testTimeoutMs: 1000, write: (l) => lines.push(l), now: () => 0 },
    );
    expect(results[0]).toMatchObject({ passed: false, skipped: true, reason: 'needs an operator token' });
    expect(lines).toEqual(['Skip alarm-ack: needs an operator token (0 ms)']);
  });

  it('when something other than an Error is thrown, then the reason still says what', () => {
    expect(reasonOf('plain')).toBe('plain');
    expect(reasonOf(42)).toBe('threw 42');
    expect(reasonOf(new TypeError(''))).toBe('TypeError');
  });
});
