// The tester's report lines: one per test, then the summary, which is always the last line.

export interface TestResult {
  name: string;
  passed: boolean;
  /** why it failed */
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
  const [first, ...rest] = (result.reason?.trim() || 'failed without a reason').split('\n');
  return [`Fail ${result.name}: ${first} ${duration}`, ...rest.map((line) => `     ${line}`)].join('\n');
}

export function summaryLine(results: readonly TestResult[]): string {
  const passed = results.filter((r) => r.passed).length;
  return `${passed} passed, ${results.length - passed} failed`;
}

export function exitCode(results: readonly TestResult[]): number {
  return results.every((r) => r.passed) ? 0 : 1;
}
