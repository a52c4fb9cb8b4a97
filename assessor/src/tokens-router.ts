// POST/GET/DELETE /api/v1/tokens (admin): a new token is shown once, in the 201 of its creation;
// lists carry no secret (there is none to show: only hashes are stored); a revocation is effective
// here at once and in every other instance within the verifier's cache time.
import { type Request, type Response, Router } from 'express';
import { AppError, jsonBody, parseTokenRequest, TOKEN_NAME, TokenNameTaken, validationError } from '../../shared/src';
import type { AssessorAccess } from './assessor-access';

export const TOKEN_PATHS = {
  tokens: '/api/v1/tokens',
  token: '/api/v1/tokens/:name',
} as const;

/** A token request is a few hundred bytes; 100 sensor patterns of 128 characters fit. */
const BODY_LIMIT_BYTES = 32 * 1024;

export function createTokensRouter(a: AssessorAccess): Router {
  const router = Router();
  const admin = a.access.requireRole('admin');
  // the 201 carries a secret, and no answer of this API should sit in any cache
  const noStore = (_req: Request, res: Response, next: () => void) => {
    res.set('Cache-Control', 'no-store');
    next();
  };

  router.post(TOKEN_PATHS.tokens, noStore, admin, jsonBody(BODY_LIMIT_BYTES), async (req: Request, res: Response) => {
    const parsed = parseTokenRequest(req.body);
    if (!parsed.ok) throw validationError(parsed.errors);
    try {
      const { token, info } = await a.store.create(parsed.token);
      res.status(201).json({ ...info, token });
    } catch (err) {
      if (err instanceof TokenNameTaken) {
        throw new AppError('CONFLICT', [{ field: 'name', message: 'a token of this name exists; revoke it first' }]);
      }
      throw err;
    }
  });

  router.get(TOKEN_PATHS.tokens, noStore, admin, async (req: Request, res: Response) => {
    const unknown = Object.keys(req.query as Record<string, unknown>);
    if (unknown.length) {
      throw validationError(unknown.map((field) => ({ field, message: 'is not a parameter of this endpoint' })));
    }
    res.json({ tokens: await a.store.list() });
  });

  router.delete(TOKEN_PATHS.token, noStore, admin, async (req: Request, res: Response) => {
    const name = req.params.name as string;
    if (!TOKEN_NAME.test(name)) {
      throw validationError([{ field: 'name', message: 'must be 1-64 characters of A-Z a-z 0-9 . _ : -' }]);
    }
    if (!(await a.store.revoke(name))) {
      throw new AppError('NOT_FOUND', [{ field: 'name', message: 'no token of this name' }]);
    }
    a.verifier.forget(name);
    res.status(204).end();
  });

  return router;
}
