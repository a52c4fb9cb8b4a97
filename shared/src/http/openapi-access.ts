// OpenAPI pieces of access control (README "Access") both services' documents share: the bearer
// scheme, the 401 and 403 answers, and the 429 of an address that failed too many token checks.
import { errorResponse, retryAfter } from './openapi-common';

export const bearerSecurityScheme = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description:
      'Authorization: Bearer <token>, never in the URL (a `token` or `access_token` query parameter is a 400). Tokens ' +
      'are made by an admin (POST /api/v1/tokens) or with `make token`; roles: sensor (posts for its sensor patterns), ' +
      'viewer (reads), operator (viewer + alarms and rules), admin (operator + tokens).',
  },
};

/** Open unless the service's *_AUTH setting is on: then the bearer token is needed. */
export const optionalBearer = [{}, { bearer: [] }];

export const accessErrorResponses = {
  '401': errorResponse('No token, a malformed one, or one unknown or revoked (with WWW-Authenticate: Bearer)'),
  '403': errorResponse("The token's role, or its sensor patterns, do not allow this request"),
};

export const tooManyFailedChecks = errorResponse(
  'Too many failed token checks from this client address (AUTH_FAILED_CHECKS_PER_MINUTE); retry later',
  retryAfter,
);
