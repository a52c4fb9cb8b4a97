// The express side of access control, shared by the receiver and the assessor: a token in the query
// string is refused (400), a bearer token is checked (401, or 429 for an address that failed too
// often), and a route may require a role (403). The principal of a checked token is kept in
// res.locals, so a request's token is checked once however many guards it passes.
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../http/app-error';
import type { FailedCheckLimiter } from './failed-check-limiter';
import type { Principal, TokenVerifier } from './token-verifier';
import { parseBearer, type Role, roleAllows } from './tokens';

/** Query parameters that would carry a token in a URL (where proxies, logs and referrers keep it). */
const TOKEN_PARAMETERS = new Set(['token', 'access_token']);

export interface Access {
  /** 400 for an API call (/api/...) with a token in its query string, whatever the auth settings */
  rejectQueryTokens: RequestHandler;
  /** The principal of the request's token (checked once per request); throws the 401 or 429 AppError. */
  identify(req: Request, res: Response): Promise<Principal>;
  /** 401 unless the request carries a valid token; its principal is then in res.locals */
  authenticate: RequestHandler;
  /** authenticate, then 403 unless the token's role includes `role` */
  requireRole(role: Role): RequestHandler;
}

export function principalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

/** Throws the 400 of an API call (/api/...) that carries a token in its query string. */
export function assertNoQueryToken(req: Request): void {
  if (!req.path.startsWith('/api/')) return;
  const named = Object.keys(req.query as Record<string, unknown>).find((k) => TOKEN_PARAMETERS.has(k.toLowerCase()));
  if (named !== undefined) {
    throw new AppError('VALIDATION_FAILED', [
      {
        field: named,
        message:
          'a token is never accepted in the URL (it would be kept in logs and histories): send Authorization: Bearer <token>',
      },
    ]);
  }
}

const unauthorized = (message: string) => new AppError('UNAUTHORIZED', [{ field: 'authorization', message }]);

export function createAccess(deps: { verifier: TokenVerifier; limiter: FailedCheckLimiter }): Access {
  const { verifier, limiter } = deps;

  const identify = async (req: Request, res: Response): Promise<Principal> => {
    const known = principalOf(res);
    if (known) return known;
    const address = req.socket.remoteAddress ?? 'unknown';
    const bearer = parseBearer(req.headers.authorization);
    if (bearer.kind === 'none') {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"');
      throw unauthorized('a token is required: send Authorization: Bearer <token>');
    }
    // Refused before the token is looked at: an address that failed too often learns nothing more.
    const waitS = limiter.blockedFor(address);
    if (waitS > 0) {
      throw new AppError(
        'RATE_LIMITED',
        [{ field: 'authorization', message: 'too many failed token checks from this address; retry later' }],
        { retryAfterSeconds: waitS },
      );
    }
    const principal = bearer.kind === 'token' ? await verifier.verify(bearer.token) : undefined;
    if (!principal) {
      limiter.failed(address);
      res.set('WWW-Authenticate', 'Bearer realm="metrics", error="invalid_token"');
      throw unauthorized(bearer.kind === 'malformed' ? bearer.message : 'is not a valid token (unknown or revoked)');
    }
    res.locals.principal = principal;
    return principal;
  };

  return {
    rejectQueryTokens(req, _res, next) {
      assertNoQueryToken(req);
      next();
    },
    identify,
    async authenticate(req, res, next) {
      await identify(req, res);
      next();
    },
    requireRole(role) {
      return async (req, res, next) => {
        const principal = await identify(req, res);
        if (!roleAllows(principal.role, role)) {
          throw new AppError('FORBIDDEN', [
            {
              field: 'authorization',
              message: `this token's role (${principal.role}) may not do this: it needs ${role}`,
            },
          ]);
        }
        next();
      };
    },
  };
}
