// The tokens API in the assessor's OpenAPI document (openapi.ts spreads these paths in).
import { accessErrorResponses, errorResponse, json, tooManyFailedChecks } from '../../shared/src';

const role = { type: 'string', enum: ['sensor', 'viewer', 'operator', 'admin'] };
const name = { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,64}$' };
const sensors = {
  type: 'array',
  minItems: 1,
  maxItems: 100,
  items: { type: 'string', pattern: '^[A-Za-z0-9._:*-]{1,128}$' },
  description: 'Sensor tokens only (and required for them): glob patterns of the sensors it may post for; * is any run',
  example: ['site-7-*'],
};
const tokenInfo = {
  type: 'object',
  required: ['name', 'role', 'sensors', 'createdAt'],
  properties: { name, role, sensors: { ...sensors, minItems: 0 }, createdAt: { type: 'string', format: 'date-time' } },
};
const adminOnly = { security: [{ bearer: [] }], tags: ['access'] };
const errors = {
  '400': errorResponse('Invalid input; each error names its field'),
  ...accessErrorResponses,
  '429': tooManyFailedChecks,
};

export const tokensPaths = {
  '/api/v1/tokens': {
    post: {
      summary: 'Create a token (admin)',
      description: 'The 201 carries the token itself: it is shown this once (only its hash is stored).',
      operationId: 'createToken',
      ...adminOnly,
      requestBody: {
        required: true,
        ...json({
          type: 'object',
          required: ['name', 'role'],
          additionalProperties: false,
          properties: { name, role, sensors },
          example: { name: 'gateway-7', role: 'sensor', sensors: ['site-7-*'] },
        }),
      },
      responses: {
        '201': {
          description: 'Created',
          ...json({
            ...tokenInfo,
            required: [...tokenInfo.required, 'token'],
            properties: { ...tokenInfo.properties, token: { type: 'string', description: 'Shown once' } },
          }),
        },
        ...errors,
        '409': errorResponse('A token of this name exists'),
        '413': errorResponse('The body is too large'),
        '415': errorResponse('The body is not JSON'),
      },
    },
    get: {
      summary: 'The tokens (admin), without secrets',
      operationId: 'listTokens',
      ...adminOnly,
      responses: {
        '200': {
          description: 'Every token, by name',
          ...json({
            type: 'object',
            required: ['tokens'],
            properties: { tokens: { type: 'array', items: tokenInfo } },
          }),
        },
        ...errors,
      },
    },
  },
  '/api/v1/tokens/{name}': {
    delete: {
      summary: 'Revoke a token (admin)',
      description: 'Effective in this instance at once and in every other instance within 5 seconds.',
      operationId: 'revokeToken',
      ...adminOnly,
      parameters: [{ name: 'name', in: 'path', required: true, schema: name }],
      responses: {
        '204': { description: 'Revoked' },
        ...errors,
        '404': errorResponse('No token of this name'),
      },
    },
  },
};
