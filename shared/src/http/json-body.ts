// JSON request bodies: only application/json (or +json) is accepted (415 otherwise), at most `limit`
// bytes (413), strictly UTF-8 (body-parser would otherwise turn bad bytes into U+FFFD silently).
import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import { AppError } from './app-error';

export function jsonBody(limitBytes: number): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const type = req.headers['content-type'] ?? '';
    // body-parser would decode a declared utf-16 or utf-7 body; the contract is UTF-8 JSON only
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1]?.toLowerCase();
    if (charset && charset !== 'utf-8' && charset !== 'utf8') {
      next(new AppError('UNSUPPORTED_MEDIA_TYPE', [{ field: 'content-type', message: 'charset must be utf-8' }]));
      return;
    }
    if (req.is(['application/json', 'application/*+json']) === null) {
      // a JSON content type but no body at all (neither Content-Length nor Transfer-Encoding)
      next(new AppError('VALIDATION_FAILED', [{ field: 'body', message: 'a JSON body is required' }]));
      return;
    }
    if (!req.is(['application/json', 'application/*+json'])) {
      next(
        new AppError('UNSUPPORTED_MEDIA_TYPE', [
          { field: 'content-type', message: 'body must be JSON: send Content-Type: application/json' },
        ]),
      );
      return;
    }
    next();
  };
  const parse = express.json({
    limit: limitBytes,
    strict: true,
    type: ['application/json', 'application/*+json'],
    verify: (_req, _res, buf) => {
      if (!isUtf8(buf)) throw new Error('invalid UTF-8');
    },
  });
  return [requireJson, parse];
}
