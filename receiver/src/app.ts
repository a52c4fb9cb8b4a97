// The receiver's HTTP app: validates measurements and publishes them to Kafka. Built here, listened
// on in main.ts, so tests drive it in-process.
import express, { type Express, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import {
  AppError,
  errorHandler,
  healthRouter,
  jsonBody,
  type Logger,
  type LogLine,
  metricsHandler,
  NotWrittenError,
  notFoundHandler,
  OverloadedError,
  type ReadinessCheck,
  type Reading,
  toAppError,
  validationError,
} from '../../shared/src';
import { toLogLines, validateLogLines } from './log-validation';
import { toReadings } from './reading-ids';
import { type Validated, type ValidationLimits, validateBatch, validateMeasurement } from './reading-validation';
import { receiverOpenApi } from './openapi';
import type { ReceiverAccess } from './receiver-access';
import type { ReceiverMetrics } from './receiver-metrics';

export interface ReceiverDeps {
  config: {
    bodyLimitBytes: number;
    maxReadingsPerRequest: number;
    maxFutureSkewMs: number;
    oldestReadingAt: string;
    retryAfterSeconds: number;
  };
  /** Resolves once Kafka acknowledged every reading; rejects with OverloadedError or a Kafka error. */
  publish(readings: Reading[]): Promise<void>;
  /** The same for log lines (their own topic); without it, POST .../logs is a 404. */
  publishLogs?(lines: LogLine[]): Promise<void>;
  checks: Record<string, ReadinessCheck>;
  registry: Registry;
  metrics: ReceiverMetrics;
  logger: Logger;
  now?: () => number;
  /** tokens and per-sensor rate limits (receiver-access.ts); without it, every request is admitted */
  access?: ReceiverAccess;
}

export function createApp(deps: ReceiverDeps): Express {
  const now = deps.now ?? Date.now;
  const oldestAt = Date.parse(deps.config.oldestReadingAt);
  const limits = (): ValidationLimits => ({ now: now(), maxFutureSkewMs: deps.config.maxFutureSkewMs, oldestAt });
  const retryAfterSeconds = deps.config.retryAfterSeconds;

  /** Waits for Kafka's acks of `sent`; a refusal or an outage becomes the 429 or 503 the client is told. */
  const acknowledged = async (sent: Promise<void>, what: string): Promise<void> => {
    try {
      await sent;
    } catch (err) {
      if (err instanceof OverloadedError) {
        throw new AppError(
          'OVERLOADED',
          [{ field: 'service', message: `too many ${what} waiting for Kafka; retry later` }],
          {
            cause: err,
            retryAfterSeconds,
          },
        );
      }
      throw new AppError('DEPENDENCY_UNAVAILABLE', [{ field: 'service', message: unavailableMessage(err) }], {
        cause: err,
        retryAfterSeconds,
      });
    }
  };

  const accept = async (validated: Validated, receivedAt: number, res: Response): Promise<number> => {
    if (!validated.ok) throw validationError(validated.errors, validated.errorCount);
    await deps.access?.admit(res, validated.readings);
    const readings = toReadings(validated.readings, receivedAt);
    await acknowledged(deps.publish(readings), 'readings');
    deps.metrics.readingsAccepted.inc(readings.length);
    return readings.length;
  };

  const app = express();
  app.disable('x-powered-by');
  // an ETag would hash every tiny {"result": true} answer for nothing: nobody caches a POST's answer
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(healthRouter(deps.checks));
  app.get('/metrics', metricsHandler(deps.registry));
  app.get('/openapi.json', (_req, res) => {
    res.json(receiverOpenApi);
  });

  if (deps.access) app.use(deps.access.guard);
  const body = jsonBody(deps.config.bodyLimitBytes);
  app.post('/api/v1/sensors/:sensorId/measurements', body, async (req: Request, res: Response) => {
    const l = limits();
    await accept(
      validateMeasurement(req.body, req.params.sensorId as string, deps.config.maxReadingsPerRequest, l),
      l.now,
      res,
    );
    res.json({ result: true, response: 'OK' });
  });
  app.post('/api/v1/measurements', body, async (req: Request, res: Response) => {
    const l = limits();
    const accepted = await accept(validateBatch(req.body, deps.config.maxReadingsPerRequest, l), l.now, res);
    res.json({ result: true, response: { accepted } });
  });
  const publishLogs = deps.publishLogs;
  if (publishLogs) {
    app.post('/api/v1/sensors/:sensorId/logs', body, async (req: Request, res: Response) => {
      const l = limits();
      const validated = validateLogLines(req.body, req.params.sensorId as string, l);
      if (!validated.ok) throw validationError(validated.errors, validated.errorCount);
      // the sensor token rules of readings; RECEIVER_SENSOR_RATE_LIMIT counts readings only (README "Logs")
      await deps.access?.admit(res, validated.lines, { rateLimit: false });
      const lines = toLogLines(validated.lines, l.now);
      await acknowledged(publishLogs(lines), 'log lines');
      res.json({ result: true, response: { accepted: lines.length } });
    });
  }

  app.use(notFoundHandler);
  app.use((err: unknown, _req: Request, _res: Response, next: (err: unknown) => void) => {
    deps.metrics.requestsRefused.inc({ status: String(toAppError(err).status) });
    next(err);
  });
  app.use(errorHandler(deps.logger, retryAfterSeconds));
  return app;
}

/**
 * What a 503 from Kafka tells the client. Only readings still queued when the produce timeout passed
 * are certainly not written (NotWrittenError); once a send has started (a request's readings may span
 * several), some may be stored whatever the answer. The client is told so, and how to retry safely.
 */
export function unavailableMessage(err: unknown): string {
  if (err instanceof NotWrittenError) return 'Kafka is unavailable; nothing of this request was written; retry later';
  return (
    'Kafka did not confirm every reading of this request: some of them may have been written. ' +
    'Retry later with the same body: readings that carry a client id ("id") are stored once however often they are sent'
  );
}
