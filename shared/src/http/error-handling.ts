// The last two express middlewares of both HTTP services: unknown route → 404, and every error →
// the contract's JSON shape `{"result": false, "response": [{field, message}]}` with its status, the
// list cut to its first MAX_LISTED_ERRORS items (error-list.ts).
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger';
import { AppError, toAppError } from './app-error';
import { errorBody } from './error-list';

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', [{ field: 'path', message: `no route for ${req.method} ${req.path}` }]));
};

export function errorHandler(logger: Logger, retryAfterSeconds: number): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toAppError(err);
    if (appError.status >= 500) {
      logger.error({ err: appError.cause ?? appError, method: req.method, path: req.path }, appError.message);
    } else {
      logger.debug(
        {
          code: appError.code,
          path: req.path,
          details: appError.details.slice(0, 10),
          errorCount: appError.errorCount,
        },
        'request refused',
      );
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (appError.retryable) res.set('Retry-After', String(appError.retryAfterSeconds ?? retryAfterSeconds));
    res.status(appError.status).json(errorBody(appError.details, appError.errorCount));
  };
}
