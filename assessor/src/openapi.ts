// The assessor's OpenAPI 3.0 document, served at GET /openapi.json. openapi.test.ts checks that its
// paths are exactly the routes the app serves.

import {
  bearerSecurityScheme,
  commonSchemas,
  errorResponse,
  json,
  operationalPaths,
  optionalBearer,
  ref,
  retryAfter,
} from '../../shared/src';
import { METRICS_PER_SENSOR } from './routes';
import { BUCKETS } from './statistics-buckets';
import { alarmSchemas, alarmsPaths } from './alarms-openapi';
import { ruleSchemas, rulesPaths } from './rules-openapi';
import { logsPaths } from './logs-openapi';
import { streamPaths } from './stream-openapi';
import { tokensPaths } from './tokens-openapi';

const param = (name: string) => ({ $ref: `#/components/parameters/${name}` });

const queryErrors = {
  '400': { $ref: '#/components/responses/BadRequest' },
  '503': { $ref: '#/components/responses/Unavailable' },
};

const instant = (description: string) => ({
  type: 'string',
  description: `${description}. An ISO-8601 date-time with offset (2026-11-22T10:00:00Z) or epoch milliseconds; millisecond precision.`,
  example: '2026-11-22T10:00:00Z',
});

const aggregateProperties = {
  count: { type: 'integer', description: 'Readings' },
  min: { type: 'number', nullable: true },
  max: { type: 'number', nullable: true },
  avg: { type: 'number', nullable: true },
  sum: { type: 'number' },
};

export const assessorOpenApi = {
  openapi: '3.0.3',
  info: {
    title: 'Metrics assessor',
    version: '1.0.0',
    description:
      'Queries over stored readings, events and alarms; alarm actions and the rule set (operator token). Every error is JSON: {"result": false, "response": [{"field", "message"}]}. ' +
      'A query parameter an endpoint does not know, or one given twice, is a 400 naming it. Lists are oldest first and keyset ' +
      'paged: pass the nextCursor of a page as `cursor` to get the next one (cursors are opaque).',
  },
  paths: {
    '/api/v1/sensors/{sensorId}/events': {
      get: {
        summary: "A sensor's events, oldest first (compat)",
        description:
          'The 2017 shape. Each event carries a field named after its metric, then at, type, metric and value. ' +
          'An unknown sensor has no events (200, "events": []). nextCursor is present only when there are more.',
        operationId: 'getSensorEvents',
        tags: ['compat'],
        parameters: [
          param('SensorId'),
          param('From'),
          param('To'),
          param('Type'),
          param('Limit'),
          param('Cursor'),
          param('EventOrder'),
        ],
        responses: {
          '200': {
            description: 'Events ordered by (at, id), or by storage with order=stored',
            ...json({
              type: 'object',
              required: ['sensorUuid', 'events'],
              properties: {
                sensorUuid: { type: 'string' },
                events: { type: 'array', items: ref('CompatEvent') },
                nextCursor: {
                  type: 'string',
                  description: 'Present only when another page exists; with order=stored, always (where to ask again)',
                },
              },
            }),
          },
          ...queryErrors,
        },
      },
    },
    '/api/v1/sensors/{sensorId}/measurements': {
      get: {
        summary: 'Average over the last hour and 7 days, maximum over 30 days (compat)',
        description:
          'Windows are rolling, measured back from now: (now - 1 h, now], (now - 7 d, now], (now - 30 d, now]. ' +
          'A window without readings gives null.',
        operationId: 'getSensorMeasurements',
        tags: ['compat'],
        parameters: [
          param('SensorId'),
          {
            name: 'metric',
            in: 'query',
            required: false,
            description: 'Metric to assess',
            schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$', default: 'temperature' },
          },
        ],
        responses: {
          '200': {
            description: 'The three windows',
            ...json({
              type: 'object',
              required: ['sensorUuid', 'averageLastHour', 'averageLast7Days', 'maxLast30Days'],
              properties: {
                sensorUuid: { type: 'string' },
                averageLastHour: { type: 'number', nullable: true, example: 77.625 },
                averageLast7Days: { type: 'number', nullable: true, example: 77.625 },
                maxLast30Days: { type: 'number', nullable: true, example: 107 },
              },
            }),
          },
          ...queryErrors,
        },
      },
    },
    '/api/v1/sensors/{sensorId}/statistics': {
      get: {
        summary: "Statistics of a sensor's metric over a range, per bucket (1m to 7d)",
        description:
          'Sub-day buckets (1m to 12h; minute and hour are 1m and 1h) have a fixed length and start at multiples of it in UTC, ' +
          'whatever tz. Day buckets (1d, day) start at local midnight in tz, so a day may have 23 or 25 hours; week buckets (7d) ' +
          'start on Monday at local midnight. The first and last bucket may be partial (only the part inside [from, to) counts). ' +
          'Exact: whole minutes come from the per-minute rollups, partial ones from the raw readings. Buckets without readings ' +
          'are omitted. The range may span at most ASSESSOR_MAX_BUCKETS buckets.',
        operationId: 'getSensorStatistics',
        parameters: [
          param('SensorId'),
          {
            name: 'metric',
            in: 'query',
            required: true,
            schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' },
          },
          { name: 'from', in: 'query', required: true, schema: instant('Start of the range, included') },
          { name: 'to', in: 'query', required: true, schema: instant('End of the range, excluded; after from') },
          { name: 'bucket', in: 'query', required: true, schema: { type: 'string', enum: [...BUCKETS] } },
          {
            name: 'tz',
            in: 'query',
            required: false,
            description: 'IANA time zone day and week buckets are aligned to (default UTC); an unknown zone is a 400',
            schema: { type: 'string', example: 'Europe/Berlin' },
          },
        ],
        responses: {
          '200': {
            description: 'Buckets oldest first, and the whole range',
            ...json({
              type: 'object',
              required: ['sensorId', 'metric', 'from', 'to', 'bucket', 'buckets', 'total'],
              properties: {
                sensorId: { type: 'string' },
                metric: { type: 'string' },
                from: { type: 'string', format: 'date-time' },
                to: { type: 'string', format: 'date-time' },
                bucket: { type: 'string', enum: [...BUCKETS] },
                tz: { type: 'string', description: 'The tz of the request, when it gave one' },
                buckets: { type: 'array', items: ref('Bucket') },
                total: ref('Summary'),
              },
            }),
          },
          ...queryErrors,
        },
      },
    },
    '/api/v1/sensors/{sensorId}/readings': {
      get: {
        summary: 'Raw readings of a sensor, oldest first',
        operationId: 'getSensorReadings',
        parameters: [
          param('SensorId'),
          {
            name: 'metric',
            in: 'query',
            required: false,
            description: 'Only this metric (all metrics when absent)',
            schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' },
          },
          param('From'),
          param('To'),
          param('Limit'),
          param('Cursor'),
        ],
        responses: {
          '200': {
            description: 'Readings ordered by (at, id)',
            ...json({
              type: 'object',
              required: ['sensorId', 'readings', 'nextCursor'],
              properties: {
                sensorId: { type: 'string' },
                readings: { type: 'array', items: ref('Reading') },
                nextCursor: { type: 'string', nullable: true },
              },
            }),
          },
          ...queryErrors,
        },
      },
    },
    '/api/v1/sensors': {
      get: {
        summary: 'The sensors known, with their latest values',
        operationId: 'listSensors',
        parameters: [
          {
            name: 'prefix',
            in: 'query',
            description:
              'Only the sensors whose id starts with this text: case-sensitive, every character literal (`_`, `%`, `*` ' +
              'are not wildcards). 1-128 characters, no control characters. Paged like the full list.',
            schema: { type: 'string', minLength: 1, maxLength: 128 },
          },
          param('Limit'),
          param('Cursor'),
        ],
        responses: {
          '200': {
            description: 'Sensors ordered by sensor id (code-point order)',
            ...json({
              type: 'object',
              required: ['sensors', 'nextCursor'],
              properties: {
                sensors: { type: 'array', items: ref('Sensor') },
                nextCursor: { type: 'string', nullable: true },
              },
            }),
          },
          ...queryErrors,
        },
      },
    },
    '/api/v1/events': {
      get: {
        summary: 'Events across sensors, oldest first',
        operationId: 'listEvents',
        parameters: [
          {
            name: 'sensorId',
            in: 'query',
            required: false,
            schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
          },
          param('Type'),
          param('From'),
          param('To'),
          param('Limit'),
          param('Cursor'),
          param('EventOrder'),
        ],
        responses: {
          '200': {
            description: 'Events ordered by (at, id), or by storage with order=stored',
            ...json({
              type: 'object',
              required: ['events', 'nextCursor'],
              properties: {
                events: { type: 'array', items: ref('Event') },
                nextCursor: {
                  type: 'string',
                  nullable: true,
                  description:
                    'null on the last page; with order=stored never null: the position to ask again from (an empty page means caught up)',
                },
              },
            }),
          },
          ...queryErrors,
        },
      },
    },
    ...alarmsPaths,
    ...rulesPaths,
    ...logsPaths,
    ...streamPaths,
    ...tokensPaths,
    ...operationalPaths('PostgreSQL answers'),
  },
  // reads need a viewer token only with ASSESSOR_AUTH=on; the tokens API always needs an admin's
  security: optionalBearer,
  components: {
    securitySchemes: bearerSecurityScheme,
    parameters: {
      SensorId: {
        name: 'sensorId',
        in: 'path',
        required: true,
        description: '1-128 characters of A-Z a-z 0-9 . _ : -',
        schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
      },
      From: { name: 'from', in: 'query', required: false, schema: instant('Only items at or after this instant') },
      To: { name: 'to', in: 'query', required: false, schema: instant('Only items before this instant; after from') },
      Type: {
        name: 'type',
        in: 'query',
        required: false,
        description: 'Event type',
        schema: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{0,80}$', example: 'TEMPERATURE_EXCEEDED' },
      },
      Limit: {
        name: 'limit',
        in: 'query',
        required: false,
        description: 'Items per page, at most ASSESSOR_MAX_LIMIT (default ASSESSOR_DEFAULT_LIMIT)',
        schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
      },
      EventOrder: {
        name: 'order',
        in: 'query',
        required: false,
        description:
          'at (default): oldest first by (at, id); an event stored later with an earlier at is not on pages already read. ' +
          'stored: in the order events were stored, so a client following nextCursor from the start sees every event once, ' +
          'however late it was stored. A cursor of one order is refused by the other.',
        schema: { type: 'string', enum: ['at', 'stored'], default: 'at' },
      },
      Cursor: {
        name: 'cursor',
        in: 'query',
        required: false,
        description: 'The nextCursor of the previous page; empty or absent for the first page',
        schema: { type: 'string', pattern: '^[A-Za-z0-9_-]*$' },
      },
    },
    responses: {
      BadRequest: errorResponse('A parameter is invalid, unknown or repeated; each error names it'),
      Unavailable: errorResponse('PostgreSQL is unavailable or the query timed out; retry later', retryAfter),
    },
    schemas: {
      ...commonSchemas({ field: 'from', message: 'must be an ISO-8601 date-time' }),
      CompatEvent: {
        type: 'object',
        required: ['at', 'type', 'metric', 'value'],
        description: 'Also has a field named after the metric holding the value, first: {"temperature": 99, "at": ...}',
        properties: {
          at: { type: 'string', format: 'date-time', description: 'UTC, with milliseconds' },
          type: { type: 'string', example: 'TEMPERATURE_EXCEEDED' },
          metric: { type: 'string', example: 'temperature' },
          value: { type: 'number', example: 99 },
        },
        additionalProperties: { type: 'number' },
        example: {
          temperature: 99,
          at: '2026-11-22T10:00:03.120Z',
          type: 'TEMPERATURE_EXCEEDED',
          metric: 'temperature',
          value: 99,
        },
      },
      Event: {
        type: 'object',
        required: ['id', 'sensorId', 'metric', 'type', 'value', 'at', 'threshold', 'rule'],
        properties: {
          id: { type: 'string' },
          sensorId: { type: 'string' },
          metric: { type: 'string' },
          type: { type: 'string' },
          value: { type: 'number' },
          at: { type: 'string', format: 'date-time' },
          threshold: { type: 'number' },
          rule: { type: 'string', example: 'temperature >= 95' },
        },
      },
      Reading: {
        type: 'object',
        required: ['id', 'metric', 'value', 'at', 'receivedAt'],
        properties: {
          id: { type: 'string' },
          metric: { type: 'string' },
          value: { type: 'number' },
          at: { type: 'string', format: 'date-time' },
          receivedAt: { type: 'string', format: 'date-time' },
        },
      },
      Sensor: {
        type: 'object',
        required: ['sensorId', 'lastReadingAt', 'metricCount', 'metrics'],
        properties: {
          sensorId: { type: 'string' },
          lastReadingAt: {
            type: 'string',
            format: 'date-time',
            description: 'Latest reading time over all its metrics',
          },
          metricCount: { type: 'integer', description: 'All the metrics of the sensor, listed or not' },
          metrics: {
            type: 'object',
            description: `By metric name: the first ${METRICS_PER_SENSOR} by name (metricCount says how many there are)`,
            additionalProperties: {
              type: 'object',
              required: ['lastValue', 'lastAt', 'count'],
              properties: {
                lastValue: { type: 'number' },
                lastAt: { type: 'string', format: 'date-time' },
                count: { type: 'integer' },
              },
            },
          },
        },
      },
      Summary: { type: 'object', required: Object.keys(aggregateProperties), properties: aggregateProperties },
      Bucket: {
        type: 'object',
        required: ['start', ...Object.keys(aggregateProperties)],
        properties: { start: { type: 'string', format: 'date-time' }, ...aggregateProperties },
      },
      ...alarmSchemas,
      ...ruleSchemas,
    },
  },
} as const;
