// The rules API and GET /api/v1/me in the assessor's OpenAPI document (openapi.ts spreads these in).
import { accessErrorResponses, errorResponse, json, ref, retryAfter, tooManyFailedChecks } from '../../shared/src';
import { SEVERITIES } from '../../shared/src/rule-set';

const ruleSet = {
  type: 'object',
  required: ['rules', 'version'],
  properties: {
    rules: { type: 'array', items: ref('Rule') },
    version: { type: 'integer', description: '0: the configuration (PROCESSOR_RULES), before the first PUT' },
  },
};

export const rulesPaths = {
  '/api/v1/rules': {
    get: {
      summary: 'The rule set in force, and its version',
      description:
        'Every rule in full (defaults spelled out; `sensors` [] for every sensor): the answer is a valid PUT body as it is.',
      operationId: 'getRules',
      tags: ['rules'],
      responses: {
        '200': { description: 'The rule set', ...json(ruleSet) },
        '400': errorResponse('A query parameter (this endpoint takes none)'),
        '503': { $ref: '#/components/responses/Unavailable' },
      },
    },
    put: {
      summary: 'Replace the rule set (operator)',
      description:
        'All or nothing: a rule set with any problem is a 400 naming every one (field rules[i].name...). Stored as the next ' +
        'version and published to the compacted rules topic; every processor applies it within 5 s.',
      operationId: 'putRules',
      security: [{ bearer: [] }],
      tags: ['rules'],
      requestBody: {
        required: true,
        ...json({
          type: 'object',
          required: ['rules'],
          additionalProperties: false,
          properties: { rules: { type: 'array', items: ref('Rule') } },
          example: {
            rules: [
              { name: 'hot', metric: 'temperature', threshold: 95, warningsForEvent: 3, clearThreshold: 90 },
              { name: 'silent', kind: 'silence', afterSeconds: 300 },
            ],
          },
        }),
      },
      responses: {
        '200': { description: 'The new rule set and its version', ...json(ruleSet) },
        '400': errorResponse('The rule set has problems, each named; or an unknown field'),
        ...accessErrorResponses,
        '413': errorResponse('The body is too large'),
        '415': errorResponse('The body is not JSON'),
        '429': tooManyFailedChecks,
        '503': errorResponse(
          'PostgreSQL or Kafka is unavailable (nothing stored), or Kafka did not confirm in time (the version may still reach the processors; PUT again)',
          retryAfter,
        ),
      },
    },
  },
  '/api/v1/me': {
    get: {
      summary: 'Who the presented token is',
      description:
        'For a client (the dashboard) to show only what it may do. Without a token, while reads are open: {"name": null, "role": "viewer"}.',
      operationId: 'me',
      tags: ['access'],
      responses: {
        '200': {
          description: "The token's name and role",
          ...json({
            type: 'object',
            required: ['name', 'role'],
            properties: {
              name: { type: 'string', nullable: true },
              role: { type: 'string', enum: ['sensor', 'viewer', 'operator', 'admin'] },
            },
          }),
        },
        ...accessErrorResponses,
        '429': tooManyFailedChecks,
      },
    },
  },
};

export const ruleSchemas = {
  Rule: {
    type: 'object',
    description:
      'A threshold rule (kind "threshold", the default) or a silence rule (kind "silence"). Unknown fields are refused.',
    properties: {
      kind: { type: 'string', enum: ['threshold', 'silence'], default: 'threshold' },
      name: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,63}$', description: 'Unique; default: the metric' },
      metric: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$', description: 'Threshold rules only' },
      comparison: { type: 'string', enum: ['>=', '>', '<=', '<'], default: '>=' },
      threshold: { type: 'number' },
      warningsForEvent: { type: 'integer', minimum: 1, default: 1 },
      type: {
        type: 'string',
        pattern: '^[A-Z][A-Z0-9_]{0,63}$',
        description: 'Default: <METRIC>_EXCEEDED, SENSOR_SILENT',
      },
      severity: { type: 'string', enum: SEVERITIES, default: 'major' },
      sensors: {
        type: 'array',
        maxItems: 100,
        items: { type: 'string', pattern: '^[A-Za-z0-9._:*-]{1,128}$' },
        description: 'Glob patterns (* is any run of characters); absent or []: every sensor',
      },
      clearThreshold: { type: 'number', description: 'Hysteresis: on the normal side of threshold; default threshold' },
      clearAfter: { type: 'integer', minimum: 1, default: 1 },
      afterSeconds: { type: 'integer', minimum: 1, description: 'Silence rules only' },
    },
  },
};
