// Runs the selected tests one after the other, each bounded in time, and reports each as it ends.
import { formatResult, type TestResult } from './report';
import { TestSkipped } from './skip';
import type { Test, TestContext } from './test-definition';

export interface RunOptions {
  testTimeoutMs: number;
  /** receives each report line (without the newline) */
  write: (line: string) => void;
  now?: () => number;
}

export async function runTests(tests: readonly Test[], ctx: TestContext, options: RunOptions): Promise<TestResult[]> {
  const now = options.now ?? Date.now;
  const results: TestResult[] = [];
  for (const test of tests) {
    const started = now();
    let result: TestResult;
    try {
      await withTimeout(test.run(ctx), options.testTimeoutMs);
      result = { name: test.name, passed: true, durationMs: now() - started };
    } catch (err) {
      result =
        err instanceof TestSkipped
          ? { name: test.name, passed: false, skipped: true, reason: reasonOf(err), durationMs: now() - started }
          : { name: test.name, passed: false, reason: reasonOf(err), durationMs: now() - started };
    }
    results.push(result);
    options.write(formatResult(result));
  }
  return results;
}

export function reasonOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return typeof err === 'string' ? err : `threw ${String(err)}`;
}

async function withTimeout(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
