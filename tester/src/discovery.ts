// Finds the tests: every module in tester/tests/ whose default export is a Test. Read at run time, so
// adding a test is adding a file. The directory is found relative to this module, which works both
// for the sources (tester/src → tester/tests) and for the build (dist/tester/src → dist/tester/tests).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Test } from './test-definition';

export const TESTS_DIR = path.resolve(__dirname, '../tests');

export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
}

/** Test module files of a directory listing: .js or .ts, not declarations, maps or unit tests; sorted. */
export function testModuleFiles(files: readonly string[]): string[] {
  return files
    .filter((f) => /\.(js|ts)$/.test(f) && !/\.d\.ts$/.test(f) && !/\.test\.(js|ts)$/.test(f))
    .sort((a, b) => a.localeCompare(b));
}

export function isTest(value: unknown): value is Test {
  const t = value as Partial<Test> | undefined;
  return (
    typeof t === 'object' &&
    t !== null &&
    typeof t.name === 'string' &&
    /^[a-z0-9][a-z0-9-]*$/.test(t.name) &&
    typeof t.description === 'string' &&
    typeof t.run === 'function'
  );
}

export async function discoverTests(dir: string = TESTS_DIR): Promise<Test[]> {
  let files: string[];
  try {
    files = testModuleFiles(readdirSync(dir));
  } catch (err) {
    throw new DiscoveryError(`cannot read the tests directory ${dir}: ${(err as Error).message}`);
  }
  const tests: Test[] = [];
  for (const file of files) {
    let loaded: { default?: unknown };
    try {
      loaded = await import(path.join(dir, file));
    } catch (err) {
      throw new DiscoveryError(`cannot load the test module ${file}: ${(err as Error).message}`);
    }
    // a CommonJS module without __esModule arrives wrapped once more by the import interop
    const exported = isTest(loaded.default) ? loaded.default : (loaded.default as { default?: unknown })?.default;
    if (!isTest(exported)) {
      throw new DiscoveryError(
        `${file} must export a test as its default export: { name (lower-case, dashes), description, run(ctx) }`,
      );
    }
    if (tests.some((t) => t.name === exported.name)) {
      throw new DiscoveryError(`two test modules are named ${exported.name}`);
    }
    tests.push(exported);
  }
  if (tests.length === 0) throw new DiscoveryError(`no test modules in ${dir}`);
  return tests;
}
