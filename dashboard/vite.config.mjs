// Vite builds the dashboard (dashboard/src, TypeScript) into dist/dashboard, which the assessor serves
// at `/`. `base: './'` makes every asset URL relative, so the dashboard also works behind a proxy that
// mounts the assessor under a path. One chunk, no module-preload polyfill: nothing inline, so the
// assessor's Content-Security-Policy (script-src 'self') holds.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
