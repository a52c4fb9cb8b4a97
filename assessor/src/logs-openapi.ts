// The log line lists in the assessor's OpenAPI document (openapi.ts spreads these paths in).
import { json } from '../../shared/src';

const param = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const queryErrors = {
  '400': { $ref: '#/components/responses/BadRequest' },
  '503': { $ref: '#/components/responses/Unavailable' },
};

const logLine = {
  type: 'object',
  required: ['id', 'sensorId', 'level', 'source', 'message', 'at', 'receivedAt'],
  properties: {
    id: { type: 'string', description: 'UUIDv7, or c/<sensor>/<client id> when the line was posted with an id' },
    sensorId: { type: 'string' },
    level: { type: 'string', enum: ['debug', 'info', 'warning', 'error', 'critical'] },
    source: { type: 'string', nullable: true },
    message: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    receivedAt: { type: 'string', format: 'date-time' },
  },
};

const filters = [
  {
    name: 'level',
    in: 'query',
    required: false,
    description: 'That level and above (warning: warning, error and critical)',
    schema: { type: 'string', enum: ['debug', 'info', 'warning', 'error', 'critical'] },
  },
  {
    name: 'source',
    in: 'query',
    required: false,
    description: 'Only lines of this source (exact)',
    schema: { type: 'string', minLength: 1, maxLength: 256 },
  },
  {
    name: 'q',
    in: 'query',
    required: false,
    description:
      "Words the message contains, all of them (PostgreSQL plainto_tsquery('simple', q): whole words, case-insensitive, no stemming)",
    schema: { type: 'string', minLength: 1, maxLength: 256, example: 'disk full' },
  },
  param('From'),
  param('To'),
  param('Limit'),
  param('Cursor'),
];

const page = {
  '200': {
    description: 'Log lines, newest first: ordered by (at, id) descending',
    ...json({
      type: 'object',
      required: ['logs', 'nextCursor'],
      properties: {
        logs: { type: 'array', items: logLine },
        nextCursor: { type: 'string', nullable: true },
      },
    }),
  },
  ...queryErrors,
};

export const logsPaths = {
  '/api/v1/sensors/{sensorId}/logs': {
    get: {
      summary: "A sensor's log lines, newest first",
      operationId: 'getSensorLogs',
      tags: ['logs'],
      parameters: [param('SensorId'), ...filters],
      responses: page,
    },
  },
  '/api/v1/logs': {
    get: {
      summary: "Every sensor's log lines, newest first",
      operationId: 'listLogs',
      tags: ['logs'],
      parameters: [
        {
          name: 'sensorId',
          in: 'query',
          required: false,
          description: 'Only this sensor',
          schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
        },
        ...filters,
      ],
      responses: page,
    },
  },
};
