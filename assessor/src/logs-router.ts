// GET /api/v1/sensors/{sensorId}/logs and GET /api/v1/logs: log lines newest first, filtered by level
// (that level and above), source, words of the message (q), time range; keyset-paged.
// Answer: {"logs": [{id, sensorId, level, source, message, at, receivedAt}], "nextCursor"}.
import { type Request, type Response, Router } from 'express';
import type { Pool } from 'pg';
import { iso } from '../../shared/src';
import { encodeLogKey } from './log-cursor';
import { type LogsQuery, parseLogsQuery, parseSensorLogsQuery } from './logs-query';
import { type LogRow, queryLogs } from './logs-store';
import type { PageLimits, RawQuery } from './query-params';

export const LOGS_PATHS = {
  sensorLogs: '/api/v1/sensors/:sensorId/logs',
  logs: '/api/v1/logs',
} as const;

export function logsBody(rows: LogRow[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    logs: items.map((r) => ({
      id: r.id,
      sensorId: r.sensorId,
      level: r.level,
      source: r.source,
      message: r.message,
      at: iso(r.at),
      receivedAt: iso(r.receivedAt),
    })),
    nextCursor: rows.length > limit ? encodeLogKey({ atUs: last.atUs, id: last.id }) : null,
  };
}

export function createLogsRouter(deps: { pool: Pool; limits: PageLimits }): Router {
  const router = Router();
  const answer = async (res: Response, q: LogsQuery) => {
    const rows = await queryLogs(deps.pool, { ...q, limit: q.limit + 1 });
    res.json(logsBody(rows, q.limit));
  };
  router.get(LOGS_PATHS.sensorLogs, async (req: Request, res: Response) => {
    await answer(res, parseSensorLogsQuery(req.params.sensorId, req.query as RawQuery, deps.limits));
  });
  router.get(LOGS_PATHS.logs, async (req: Request, res: Response) => {
    await answer(res, parseLogsQuery(req.query as RawQuery, deps.limits));
  });
  return router;
}
