// The tester's report lines: one per test, then the summary, which is always the last line.
// A skipped test (TestSkipped: it cannot run here, and says why) is neither passed nor failed.

export interface TestResult {
  name: string;
  passed: boolean;
  /** it did not run, for `reason` (passed is false, and it is not a failure) */
  skipped?: boolean;
  /** why it failed or was skipped */
  reason?: string;
  durationMs: number;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** `OK   full (3.2 s)` or `Fail full: <reason> (0.4 s)`; a reason over several lines is indented under it. */
export function formatResult(result: TestResult): string {
  const duration = `(${formatDuration(result.durationMs)})`;
  if (result.passed) return `OK   ${result.name} ${duration}`;
  const word = result.skipped ? 'Skip' : 'Fail';
  const fallback = result.skipped ? 'skipped without a reason' : 'failed without a reason';
  const [first, ...rest] = (result.reason?.trim() || fallback).split('\n');
  return [`${word} ${result.name}: ${first} ${duration}`, ...rest.map((line) => `     ${line}`)].join('\n');
}

/** `N passed, N failed`, and `, N skipped` when some were. */
export function summaryLine(results: readonly TestResult[]): string {
  const passed = results.filter((r) => r.passed).length;
  const skipped = results.filter((r) => r.skipped).length;
  const failed = results.length - passed - skipped;
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

/** 0 when no selected test failed (skipped ones do not fail the run), else 1. */
export function exitCode(results: readonly TestResult[]): number {
  return results.every((r) => r.passed || r.skipped) ? 0 : 1;
}
