// GET /api/v1/stream (README "Live stream"). With ASSESSOR_AUTH=on the stream is a read like any
// other: the access guards (assessor-access.ts) admit it with a viewer token in the Authorization
// header, never in the URL. Browsers read it with fetch() and a ReadableStream, which can send that
// header (the dashboard does, dashboard/src/live.ts); EventSource cannot, and is meant for ASSESSOR_AUTH
// off. The stream's token is checked again while it is open, so revoking it ends the stream.
import { type Request, type Response, Router } from 'express';
import { parseBearer, roleAllows } from '../../shared/src';
import type { AssessorAccess } from './assessor-access';
import { type LiveStreams, STREAM_HEADERS } from './live-stream';
import type { RawQuery } from './query-params';
import { parseStreamQuery } from './stream-query';

export const STREAM_PATH = '/api/v1/stream';

/** Whether the request's token still admits a read (unknown or revoked: no). */
function tokenRecheck(access: AssessorAccess, req: Request): (() => Promise<boolean>) | undefined {
  if (access.auth !== 'on') return undefined;
  const bearer = parseBearer(req.headers.authorization);
  if (bearer.kind !== 'token') return undefined;
  const { token } = bearer;
  return async () => {
    const principal = await access.verifier.verify(token);
    return principal !== undefined && roleAllows(principal.role, 'viewer');
  };
}

export function createStreamRouter(deps: { streams: LiveStreams; access: AssessorAccess }): Router {
  const router = Router();
  router.get(STREAM_PATH, (req: Request, res: Response) => {
    const q = parseStreamQuery(req.query as RawQuery);
    if (req.method === 'HEAD') {
      res.writeHead(200, STREAM_HEADERS).end();
      return;
    }
    deps.streams.attach(req, res, q.sensorIds, tokenRecheck(deps.access, req));
  });
  return router;
}
