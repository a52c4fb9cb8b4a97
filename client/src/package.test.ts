// The package stands alone: another project depends on it without this repo, so its code imports only
// Node's built-ins and its own modules, and its package.json points at the build of its own tsconfig.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..');

describe('@metrics/client package', () => {
  it('imports only node: built-ins and its own modules', () => {
    const sources = readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources).toContain('index.ts');
    for (const file of sources) {
      const text = readFileSync(path.join(__dirname, file), 'utf8');
      const specifiers = [...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
      for (const s of specifiers) {
        expect(`${file}: ${s}`).toMatch(/: (node:[a-z_/]+|\.\/[a-z-]+)$/);
      }
      // a default import of a Node module would need esModuleInterop in every project using the types
      expect(text).not.toMatch(/^import [A-Za-z_$]+ from 'node:/m);
    }
  });

  it('points main and types at its own build output', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    const tsconfig = readFileSync(path.join(root, 'tsconfig.json'), 'utf8');
    expect(pkg.name).toBe('@metrics/client');
    expect(pkg.main).toBe('dist/index.js');
    expect(pkg.types).toBe('dist/index.d.ts');
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(tsconfig).toMatch(/"outDir": "dist"/);
    expect(tsconfig).toMatch(/"rootDir": "src"/);
    expect(tsconfig).toMatch(/"declaration": true/);
  });
});
