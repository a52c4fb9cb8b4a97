import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DiscoveryError, discoverTests, isTest, TESTS_DIR, testModuleFiles } from './discovery';

describe('test discovery', () => {
  it('keeps test modules, compiled or not, and drops declarations, maps and unit tests', () => {
    expect(
      testModuleFiles(['full.js', 'full.js.map', 'full.d.ts', 'batch.ts', 'x.test.ts', 'x.test.js', 'README.md']),
    ).toEqual(['batch.ts', 'full.js']);
  });

  it('when the real tests directory is read, then every module is a test with a unique name', async () => {
    const tests = await discoverTests(TESTS_DIR);
    const names = tests.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['full', 'metrics', 'batch', 'concurrent', 'bad-input']));
    expect(new Set(names).size).toBe(names.length);
    for (const t of tests) expect(t.description.length).toBeGreaterThan(0);
  });

  it('when a module does not export a test, then discovery fails naming the file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tester-discovery-'));
    writeFileSync(path.join(dir, 'broken.js'), 'exports.default = { name: "broken" };');
    await expect(discoverTests(dir)).rejects.toThrow(DiscoveryError);
    await expect(discoverTests(dir)).rejects.toThrow('broken.js must export a test');
  });

  it('when two modules share a name, then discovery fails', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tester-discovery-'));
    const module = 'exports.default = { name: "same", description: "d", run: async () => {} };';
    writeFileSync(path.join(dir, 'a.js'), module);
    writeFileSync(path.join(dir, 'b.js'), module);
    await expect(discoverTests(dir)).rejects.toThrow('two test modules are named same');
  });

  it('when the directory is missing or empty, then discovery fails', async () => {
    await expect(discoverTests('/nonexistent/tests')).rejects.toThrow('cannot read the tests directory');
    await expect(discoverTests(mkdtempSync(path.join(tmpdir(), 'tester-empty-')))).rejects.toThrow('no test modules');
  });

  it('recognises a test by its name, description and run', () => {
    expect(isTest({ name: 'bad-input', description: 'd', run: async () => undefined })).toBe(true);
    expect(isTest({ name: 'Bad Input', description: 'd', run: async () => undefined })).toBe(false);
    expect(isTest(undefined)).toBe(false);
  });
});
