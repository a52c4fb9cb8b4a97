// The dashboard's built files (Vite's output, dist/dashboard, made by `npm run build`), served at `/`.
// Its views live in the URL's hash (#/sensor/s-42?...), so the server has one page and needs no
// fallback route: an unknown path keeps its JSON 404. Hashed assets are cached for good; index.html is
// revalidated every time, so a new build is picked up at once.
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, Router } from 'express';

/** dist/dashboard of the repository (or image) this file runs from, compiled (dist/assessor/src) or not. */
export function defaultDashboardDir(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'dashboard');
}

export function dashboardRouter(dir: string): Router {
  const router = Router();
  if (!existsSync(path.join(dir, 'index.html'))) {
    const missing: RequestHandler = (_req, res) => {
      res
        .status(404)
        .type('text/plain')
        .send('The dashboard is not built: run `make build` (it builds dist/dashboard), then reload.\n');
    };
    router.get(['/', '/index.html'], missing);
    return router;
  }
  router.use(
    '/assets',
    express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: true }),
  );
  router.use(
    express.static(dir, {
      index: 'index.html',
      fallthrough: true,
      setHeaders: (res, file) => {
        if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  return router;
}
