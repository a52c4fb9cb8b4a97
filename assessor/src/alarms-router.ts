// The alarms API (CONTRACT.md "Alarms"): the lists and one alarm (reads), and an operator's ack and
// clear (operator token, whatever ASSESSOR_AUTH says). Answers are the contract's alarm shape.
import { type Request, type RequestHandler, type Response, Router } from 'express';
import { AppError, jsonBody, principalOf } from '../../shared/src';
import type { AlarmActions } from './alarm-actions';
import { parseActionBody, parseAlarmId, parseAlarmsQuery } from './alarm-params';
import { alarmBody, alarmsBody } from './alarm-shapes';
import type { AlarmStore } from './alarm-store';
import type { AssessorAccess } from './assessor-access';
import type { PageLimits, RawQuery } from './query-params';

export const ALARM_PATHS = {
  alarms: '/api/v1/alarms',
  sensorAlarms: '/api/v1/sensors/:sensorId/alarms',
  alarm: '/api/v1/alarms/:id',
  ack: '/api/v1/alarms/:id/ack',
  clear: '/api/v1/alarms/:id/clear',
} as const;

/** {"comment": …} of at most 1 KiB, escaped up to 6 bytes a character: a larger body is a 413. */
const BODY_LIMIT_BYTES = 16 * 1024;

const notFound = () => new AppError('NOT_FOUND', [{ field: 'id', message: 'no alarm has this id' }]);

/** The JSON body when there is one: an ack or a clear may come with no body at all. */
function optionalJsonBody(limitBytes: number): RequestHandler {
  const [requireJson, parse] = jsonBody(limitBytes);
  return (req, res, next) => {
    const length = req.headers['content-length'];
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if (!chunked && (length === undefined || length === '0')) return next();
    requireJson(req, res, (err?: unknown) => (err ? next(err) : parse(req, res, next)));
  };
}

export function createAlarmsRouter(deps: {
  store: AlarmStore;
  actions: AlarmActions;
  access: AssessorAccess;
  limits: PageLimits;
}): Router {
  const { store, actions, limits } = deps;
  const router = Router();
  const operator = deps.access.access.requireRole('operator');
  const body = optionalJsonBody(BODY_LIMIT_BYTES);
  const actor = (req: Request, res: Response) => ({
    by: principalOf(res)?.name ?? 'unknown',
    comment: parseActionBody(req.body).comment,
  });

  router.get(ALARM_PATHS.alarms, async (req: Request, res: Response) => {
    const q = parseAlarmsQuery(req.query as RawQuery, limits);
    res.json(alarmsBody(await store.list({ ...q, limit: q.limit + 1 }), q.limit));
  });

  router.get(ALARM_PATHS.sensorAlarms, async (req: Request, res: Response) => {
    const q = parseAlarmsQuery(req.query as RawQuery, limits, req.params.sensorId);
    res.json(alarmsBody(await store.list({ ...q, limit: q.limit + 1 }), q.limit));
  });

  router.get(ALARM_PATHS.alarm, async (req: Request, res: Response) => {
    const alarm = await store.get(parseAlarmId(req.params.id, req.query as RawQuery));
    if (!alarm) throw notFound();
    res.json(alarmBody(alarm));
  });

  router.post(ALARM_PATHS.ack, operator, body, async (req: Request, res: Response) => {
    const id = parseAlarmId(req.params.id, req.query as RawQuery);
    const alarm = await actions.acknowledge(id, actor(req, res));
    if (!alarm) throw notFound();
    res.json(alarmBody(alarm));
  });

  router.post(ALARM_PATHS.clear, operator, body, async (req: Request, res: Response) => {
    const id = parseAlarmId(req.params.id, req.query as RawQuery);
    const outcome = await actions.clear(id, actor(req, res));
    if (!outcome) throw notFound();
    // 202: the clear is in Kafka, in order with the sensor's readings, and takes effect when the
    // processor reaches it; the alarm is answered as it is now.
    res.status(outcome.status === 'cleared' ? 200 : 202).json(alarmBody(outcome.alarm));
  });

  return router;
}
