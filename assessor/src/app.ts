// The assessor's HTTP app: read-only queries over what the saver stored. Built here, listened on in
// main.ts, so tests drive it in-process.
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import {
  AppError,
  errorHandler,
  healthRouter,
  type Logger,
  DEFAULT_RULES,
  metricsHandler,
  notFoundHandler,
  validationError,
} from '../../shared/src';
import { createAlarmActions } from './alarm-actions';
import { createAlarmStore } from './alarm-store';
import { createAlarmsRouter } from './alarms-router';
import { accessGuards, type AssessorAccess, createAssessorAccess } from './assessor-access';
import { type AssessorMetrics, createAssessorMetrics } from './assessor-metrics';
import { dashboardRouter, defaultDashboardDir } from './dashboard-static';
import { createLiveStreams, type LiveStreams, liveStreamSettings } from './live-stream';
import { assessorOpenApi } from './openapi';
import { noPublisher, type Publisher } from './publisher';
import { createRepository, type Repository } from './repository';
import { createStreamMetrics } from './stream-metrics';
import { createStreamRouter, STREAM_PATH } from './stream-router';
import { type ApiConfig, createApiRouter } from './routes';
import { createRulesRouter } from './rules-router';
import { createRulesStore } from './rules-store';
import { createLogsRouter } from './logs-router';
import { createTokensRouter } from './tokens-router';

/** Retry-After of 503 answers, in seconds. */
const RETRY_AFTER_SECONDS = 1;

export interface AssessorDeps {
  /** clearWaitMs: how long a clear waits to see its alarm cleared (ASSESSOR_CLEAR_WAIT_MS) */
  config: ApiConfig & { queryTimeoutMs: number; clearWaitMs?: number };
  pool: Pool;
  /** defaults to the SQL repository on `pool`; tests may pass another */
  repository?: Repository;
  registry: Registry;
  logger: Logger;
  now?: () => number;
  /** tokens, roles, CORS (assessor-access.ts); defaults to tokens on `pool` with ASSESSOR_AUTH off */
  access?: AssessorAccess;
  /** the built dashboard served at `/`; defaults to dist/dashboard of this checkout or image */
  dashboardDir?: string;
  /**
   * The live streams (GET /api/v1/stream), fed by the instance's stream consumer (main.ts); defaults
   * to streams with the configuration's settings that nothing feeds (they send heartbeats only).
   */
  streams?: LiveStreams;
  /** Kafka, for what alarm actions and rule changes publish; without it they answer 503 (reads work) */
  publisher?: Publisher;
  /** the topics they publish to; defaults to the configuration's defaults */
  topics?: { readings: string; alarms: string; rules: string };
  /** PROCESSOR_RULES: the rule set GET /api/v1/rules answers (version 0) until the first PUT */
  configuredRules?: unknown;
}

const DEFAULT_TOPICS = { readings: 'metrics.readings', alarms: 'metrics.alarms', rules: 'metrics.rules' };

export function createApp(deps: AssessorDeps): Express {
  const repository = deps.repository ?? createRepository(deps.pool);
  const metrics = createAssessorMetrics(deps.registry);
  const logger = deps.logger.child({ module: 'assessor.app' });
  const access = deps.access ?? createAssessorAccess({ pool: deps.pool });

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(timing(metrics));
  app.use(accessGuards(access));
  app.use(healthRouter({ postgres: () => deps.pool.query('SELECT 1') }));
  app.get('/metrics', metricsHandler(deps.registry));
  app.get('/openapi.json', (_req, res) => {
    res.json(assessorOpenApi);
  });
  app.use(createTokensRouter(access));
  const streams =
    deps.streams ??
    createLiveStreams({
      settings: liveStreamSettings(deps.config),
      metrics: createStreamMetrics(deps.registry),
      logger: deps.logger,
    });
  app.use(createStreamRouter({ streams, access }));
  const now = deps.now ?? Date.now;
  const publisher = deps.publisher ?? noPublisher;
  const topics = deps.topics ?? DEFAULT_TOPICS;
  const alarms = createAlarmStore(deps.pool);
  app.use(
    createAlarmsRouter({
      store: alarms,
      actions: createAlarmActions({
        store: alarms,
        publisher,
        topics,
        clearWaitMs: deps.config.clearWaitMs ?? 5000,
        now,
      }),
      access,
      limits: { defaultLimit: deps.config.defaultLimit, maxLimit: deps.config.maxLimit },
    }),
  );
  app.use(
    createRulesRouter({
      store: createRulesStore(deps.pool),
      publisher,
      rulesTopic: topics.rules,
      configuredRules: deps.configuredRules ?? DEFAULT_RULES,
      access,
      now,
    }),
  );
  app.use(createApiRouter({ config: deps.config, repository, now: deps.now ?? Date.now }));
  app.use(
    createLogsRouter({
      pool: deps.pool,
      limits: { defaultLimit: deps.config.defaultLimit, maxLimit: deps.config.maxLimit },
    }),
  );
  app.use(dashboardRouter(deps.dashboardDir ?? defaultDashboardDir()));
  app.use(notFoundHandler);
  app.use(translateErrors(deps.config.queryTimeoutMs));
  app.use(errorHandler(logger, RETRY_AFTER_SECONDS));
  return app;
}

function timing(metrics: AssessorMetrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.requestSeconds.startTimer();
    res.once('finish', () => {
      const route = req.route?.path;
      // a stream lasts as long as its client stays: not a request latency (its own metrics: stream-metrics.ts)
      if (route === STREAM_PATH) return;
      end({ route: typeof route === 'string' ? route : 'unmatched', status: String(res.statusCode) });
    });
    next();
  };
}

/**
 * Errors of this service that the shared translation does not know: a statement cut by the
 * PostgreSQL statement timeout (SQLSTATE 57014) is a 503 with advice, and a path whose percent-encoding
 * is invalid (express's URIError, status 400) is a 400 naming the path.
 */
function translateErrors(queryTimeoutMs: number): ErrorRequestHandler {
  return (err, _req, _res, next) => {
    if ((err as { code?: unknown } | undefined)?.code === '57014') {
      next(
        new AppError(
          'DEPENDENCY_UNAVAILABLE',
          [{ field: 'service', message: `the query took longer than ${queryTimeoutMs} ms; narrow it or retry later` }],
          { cause: err },
        ),
      );
      return;
    }
    if (err instanceof URIError) {
      next(validationError([{ field: 'path', message: 'is not valid percent-encoded UTF-8' }]));
      return;
    }
    next(err);
  };
}
