// The assessor's API routes. Each handler parses its parameters (query-params.ts), asks the
// repository, and shapes the answer (response-shapes.ts); a bad parameter throws a 400 naming it.
import { type Request, type Response, Router } from 'express';
import {
  parseEventsQuery,
  parseMeasurementsQuery,
  parseReadingsQuery,
  parseSensorEventsQuery,
  parseSensorsQuery,
  parseStatisticsQuery,
  type RawQuery,
} from './query-params';
import type { Repository } from './repository';
import {
  eventsBody,
  measurementsBody,
  readingsBody,
  sensorEventsBody,
  sensorsBody,
  statisticsBody,
} from './response-shapes';
import { statisticsPlan } from './statistics-buckets';
import { MEASUREMENT_WINDOWS, rollingWindow, splitRange } from './time-windows';

/** Metrics listed per sensor by GET /api/v1/sensors (the first by name; `metricCount` counts them all). */
export const METRICS_PER_SENSOR = 100;

export interface ApiConfig {
  defaultLimit: number;
  maxLimit: number;
  maxBuckets: number;
}

/** Express paths of the API (also the keys the OpenAPI document is checked against). */
export const API_PATHS = {
  sensorEvents: '/api/v1/sensors/:sensorId/events',
  measurements: '/api/v1/sensors/:sensorId/measurements',
  statistics: '/api/v1/sensors/:sensorId/statistics',
  readings: '/api/v1/sensors/:sensorId/readings',
  sensors: '/api/v1/sensors',
  events: '/api/v1/events',
} as const;

export function createApiRouter(deps: { config: ApiConfig; repository: Repository; now: () => number }): Router {
  const { config, repository: repo, now } = deps;
  const limits = { defaultLimit: config.defaultLimit, maxLimit: config.maxLimit };
  const query = (req: Request) => req.query as RawQuery;
  const router = Router();

  router.get(API_PATHS.sensorEvents, async (req: Request, res: Response) => {
    const q = parseSensorEventsQuery(req.params.sensorId, query(req), limits);
    const rows = await repo.events({ ...q, limit: q.limit + 1 });
    res.json(sensorEventsBody(q.sensorId, rows, q.limit, q));
  });

  router.get(API_PATHS.measurements, async (req: Request, res: Response) => {
    const q = parseMeasurementsQuery(req.params.sensorId, query(req));
    const t = now();
    const aggregate = (lengthMs: number) =>
      repo.aggregate(q.sensorId, q.metric, splitRange(rollingWindow(t, lengthMs)));
    const [lastHour, last7Days, last30Days] = await Promise.all([
      aggregate(MEASUREMENT_WINDOWS.averageLastHour),
      aggregate(MEASUREMENT_WINDOWS.averageLast7Days),
      aggregate(MEASUREMENT_WINDOWS.maxLast30Days),
    ]);
    res.json(measurementsBody(q.sensorId, { lastHour, last7Days, last30Days }));
  });

  router.get(API_PATHS.statistics, async (req: Request, res: Response) => {
    const q = parseStatisticsQuery(req.params.sensorId, query(req), config.maxBuckets);
    const plan = statisticsPlan(q.range, q.bucket, q.zone);
    const rows = await repo.buckets(q.sensorId, q.metric, plan.split, plan.grouping);
    res.json(statisticsBody(q, rows));
  });

  router.get(API_PATHS.readings, async (req: Request, res: Response) => {
    const q = parseReadingsQuery(req.params.sensorId, query(req), limits);
    const rows = await repo.readings({ ...q, limit: q.limit + 1 });
    res.json(readingsBody(q.sensorId, rows, q.limit));
  });

  router.get(API_PATHS.sensors, async (req: Request, res: Response) => {
    const q = parseSensorsQuery(query(req), limits);
    const rows = await repo.sensors({ after: q.after, prefix: q.prefix, limit: q.limit + 1 }, METRICS_PER_SENSOR);
    res.json(sensorsBody(rows, q.limit));
  });

  router.get(API_PATHS.events, async (req: Request, res: Response) => {
    const q = parseEventsQuery(query(req), limits);
    const rows = await repo.events({ ...q, limit: q.limit + 1 });
    res.json(eventsBody(rows, q.limit, q));
  });

  return router;
}
