// Pieces both HTTP services' OpenAPI documents share: the contract's error body, Retry-After, and the
// operational routes every service serves (/health, /ready, /metrics, /openapi.json).

export const json = (schema: Record<string, unknown>) => ({ content: { 'application/json': { schema } } });
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
};

export const errorResponse = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  ...json(ref('Error')),
});

/** /health, /ready (whose dependencies `readySummary` names), /metrics and /openapi.json. */
export function operationalPaths(readySummary: string) {
  return {
    '/health': {
      get: {
        summary: 'The process runs',
        operationId: 'health',
        responses: {
          '200': {
            description: 'Up',
            ...json({ type: 'object', properties: { status: { type: 'string', enum: ['UP'] } } }),
          },
        },
      },
    },
    '/ready': {
      get: {
        summary: readySummary,
        operationId: 'ready',
        responses: {
          '200': { description: 'Ready', ...json(ref('Readiness')) },
          '503': { description: 'A dependency is down, or the service is shutting down', ...json(ref('Readiness')) },
        },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics',
        operationId: 'metrics',
        responses: {
          '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
        },
      },
    },
    '/openapi.json': {
      get: {
        summary: 'This document',
        operationId: 'openapi',
        responses: { '200': { description: 'OpenAPI 3.0 document', ...json({ type: 'object' }) } },
      },
    },
  };
}

/** Error (with FieldError, whose `index` only batch requests use) and Readiness. */
export function commonSchemas(errorExample: { field: string; message: string }) {
  return {
    FieldError: {
      type: 'object',
      required: ['field', 'message'],
      properties: {
        field: { type: 'string' },
        message: { type: 'string' },
        index: { type: 'integer', description: 'Position of the item in a batch request' },
      },
    },
    Error: {
      type: 'object',
      required: ['result', 'response'],
      properties: {
        result: { type: 'boolean', enum: [false] },
        response: {
          type: 'array',
          items: ref('FieldError'),
          description:
            'At most the first 100 errors; when there were more, one last item {"field": "body", "message": "and 4,900 more errors not listed (5,000 in all)"} says how many',
        },
        errorCount: {
          type: 'integer',
          description: 'Present only when `response` was cut to the first 100 errors: every error found',
        },
      },
      example: { result: false, response: [errorExample] },
    },
    Readiness: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['UP', 'DOWN'] },
        reason: { type: 'string', description: '"shutting down" from the first moment of shutdown (503)' },
        checks: { type: 'object', additionalProperties: { type: 'string', enum: ['UP', 'DOWN'] } },
      },
    },
  };
}
