// The assessor's access control (README "Access"): the guards every request passes (security
// headers, CORS, no token in the URL, and with ASSESSOR_AUTH=on a viewer token for every read), and
// what the tokens API and later write routes need (the store, the verifier, requireRole).
import { type RequestHandler, Router } from 'express';
import type { Pool } from 'pg';
import {
  type Access,
  createAccess,
  createFailedCheckLimiter,
  createTokenStore,
  createTokenVerifier,
  type TokenStore,
  type TokenVerifier,
} from '../../shared/src';
import { cors, securityHeaders } from './http-hygiene';

export interface AssessorAccess {
  /** off: reads are open; on: reads need a viewer token. Writes always need their role. */
  auth: 'off' | 'on';
  corsOrigins: readonly string[];
  /** requireRole(role) guards a write route, e.g. requireRole('operator') for acknowledging alarms */
  access: Access;
  store: TokenStore;
  verifier: TokenVerifier;
}

export function createAssessorAccess(deps: {
  pool: Pool;
  auth?: 'off' | 'on';
  corsOrigins?: readonly string[];
  failedChecksPerMinute?: number;
}): AssessorAccess {
  const store = createTokenStore(deps.pool);
  const verifier = createTokenVerifier({ store });
  return {
    auth: deps.auth ?? 'off',
    corsOrigins: deps.corsOrigins ?? [],
    access: createAccess({
      verifier,
      limiter: createFailedCheckLimiter({ perMinute: deps.failedChecksPerMinute ?? 30 }),
    }),
    store,
    verifier,
  };
}

const READS = new Set(['GET', 'HEAD']);

/** Mounted first: headers and CORS on every answer, then the token rules of API calls. */
export function accessGuards(a: AssessorAccess): Router {
  const router = Router();
  router.use(securityHeaders, cors(a.corsOrigins), a.access.rejectQueryTokens);
  if (a.auth === 'on') {
    const viewer = a.access.requireRole('viewer');
    const readGate: RequestHandler = (req, res, next) => {
      if (req.path.startsWith('/api/') && READS.has(req.method)) return viewer(req, res, next);
      next();
    };
    router.use(readGate);
  }
  return router;
}
