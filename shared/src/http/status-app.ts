// The small HTTP app of the consumers (processor, saver): /health, /ready and Prometheus /metrics.
// The receiver and assessor mount the same routes in their own apps.
import express, { type Express, type RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger';
import { errorHandler, notFoundHandler } from './error-handling';
import { healthRouter, type ReadinessCheck } from './health';

export function metricsHandler(registry: Registry): RequestHandler {
  return async (_req, res) => {
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  };
}

export function createStatusApp(deps: {
  checks: Record<string, ReadinessCheck>;
  registry: Registry;
  logger: Logger;
}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(deps.checks));
  app.get('/metrics', metricsHandler(deps.registry));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger, 1));
  return app;
}
