import { exitCode, formatDuration, formatResult, summaryLine, type TestResult } from './report';

const ok: TestResult = { name: 'full', passed: true, durationMs: 3210 };
const failed: TestResult = {
  name: 'batch',
  passed: false,
  reason: 'accepted readings: expected 14, got 13',
  durationMs: 40,
};

describe('report', () => {
  it('when a test passes, then its line is "OK   <name>" with its duration', () => {
    expect(formatResult(ok)).toBe('OK   full (3.2 s)');
  });

  it('when a test fails, then its line is "Fail <name>: <reason>" with its duration', () => {
    expect(formatResult(failed)).toBe('Fail batch: accepted readings: expected 14, got 13 (40 ms)');
  });

  it('when a reason spans lines, then the next lines are indented under it', () => {
    expect(formatResult({ ...failed, reason: 'first\nsecond' })).toBe('Fail batch: first (40 ms)\n     second');
  });

  it('when a failure has no reason, then the line still says it failed', () => {
    expect(formatResult({ name: 'x', passed: false, reason: '  ', durationMs: 0 })).toBe(
      'Fail x: failed without a reason (0 ms)',
    );
  });

  it('when tests ran, then the summary counts passed and failed', () => {
    expect(summaryLine([ok, failed, ok])).toBe('2 passed, 1 failed');
    expect(summaryLine([])).toBe('0 passed, 0 failed');
  });

  it('when every test passed, then the exit code is 0, else 1', () => {
    expect(exitCode([ok, ok])).toBe(0);
    expect(exitCode([ok, failed])).toBe(1);
  });

  it('when a test was skipped, then its line says why, the summary counts it apart, and it fails nothing', () => {
    const skipped: TestResult = {
      name: 'alarm-ack',
      passed: false,
      skipped: true,
      reason: 'needs a token',
      durationMs: 5,
    };
    expect(formatResult(skipped)).toBe('Skip alarm-ack: needs a token (5 ms)');
    expect(summaryLine([ok, failed, skipped])).toBe('1 passed, 1 failed, 1 skipped');
    expect(exitCode([ok, skipped])).toBe(0);
    expect(exitCode([failed, skipped])).toBe(1);
  });

  it('formats durations in ms below a second, in seconds above', () => {
    expect(formatDuration(999.4)).toBe('999 ms');
    expect(formatDuration(61234)).toBe('61.2 s');
  });
});
