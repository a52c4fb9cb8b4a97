// The receiver's OpenAPI 3.0 document, served at GET /openapi.json. assessor/src/openapi.test.ts checks
// that its paths are exactly the routes the receiver's app serves.

import {
  accessErrorResponses,
  bearerSecurityScheme,
  commonSchemas,
  errorResponse,
  json,
  operationalPaths,
  optionalBearer,
  ref,
  retryAfter,
} from '../../shared/src';

const response = (name: string) => ({ $ref: `#/components/responses/${name}` });

const writeErrors = {
  '400': response('BadRequest'),
  ...accessErrorResponses,
  '413': response('TooLarge'),
  '415': response('NotJson'),
  '429': response('Overloaded'),
  '503': response('Unavailable'),
};

export const receiverOpenApi = {
  openapi: '3.0.3',
  info: {
    title: 'Metrics receiver',
    version: '1.0.0',
    description:
      'Accepts sensor readings and publishes them to Kafka. A 200 is sent only once Kafka has acknowledged every ' +
      'reading of the request (all in-sync replicas): the readings will be stored and processed. A request that gets ' +
      'any error wrote nothing. Every error is JSON: {"result": false, "response": [{"field", "message"}]}.',
  },
  paths: {
    '/api/v1/sensors/{sensorId}/measurements': {
      post: {
        summary: "One sensor's readings (compat)",
        description:
          'The body is an object of metric values, e.g. {"temperature": 99} (exactly what existing sensors send). ' +
          'Several metrics make several readings with the same `at`. `sensorUuid` in the body is ignored: the path wins.',
        operationId: 'postSensorMeasurements',
        tags: ['compat'],
        parameters: [
          {
            name: 'sensorId',
            in: 'path',
            required: true,
            description: '1-128 characters of A-Z a-z 0-9 . _ : -',
            schema: { $ref: '#/components/schemas/SensorId' },
          },
        ],
        requestBody: {
          required: true,
          ...json(ref('Measurement')),
        },
        responses: {
          '200': {
            description: 'Every reading acknowledged by Kafka',
            ...json({
              type: 'object',
              required: ['result', 'response'],
              properties: { result: { type: 'boolean', enum: [true] }, response: { type: 'string', enum: ['OK'] } },
            }),
          },
          ...writeErrors,
        },
      },
    },
    '/api/v1/measurements': {
      post: {
        summary: "Several sensors' readings at once",
        description:
          'A JSON array of measurements, each with its own sensorId. All or nothing: when any item is invalid nothing ' +
          'is written and the 400 lists every error with the `index` of its item.',
        operationId: 'postMeasurements',
        requestBody: {
          required: true,
          ...json({ type: 'array', minItems: 1, items: ref('BatchMeasurement') }),
        },
        responses: {
          '200': {
            description: 'Every reading acknowledged by Kafka',
            ...json({
              type: 'object',
              required: ['result', 'response'],
              properties: {
                result: { type: 'boolean', enum: [true] },
                response: {
                  type: 'object',
                  required: ['accepted'],
                  properties: { accepted: { type: 'integer', description: 'Readings (metric values) accepted' } },
                },
              },
            }),
          },
          ...writeErrors,
        },
      },
    },
    '/api/v1/sensors/{sensorId}/logs': {
      post: {
        summary: "One sensor's log lines",
        description:
          'A JSON array of 1 to 5,000 log lines. All or nothing: when any line is invalid nothing is written and the ' +
          '400 lists every error with the `index` of its line. With RECEIVER_AUTH=on the sensor token rules of ' +
          'readings apply; RECEIVER_SENSOR_RATE_LIMIT counts readings only, not log lines.',
        operationId: 'postSensorLogs',
        parameters: [
          {
            name: 'sensorId',
            in: 'path',
            required: true,
            description: '1-128 characters of A-Z a-z 0-9 . _ : -',
            schema: { $ref: '#/components/schemas/SensorId' },
          },
        ],
        requestBody: {
          required: true,
          ...json({ type: 'array', minItems: 1, maxItems: 5000, items: ref('LogLine') }),
        },
        responses: {
          '200': {
            description: 'Every line acknowledged by Kafka',
            ...json({
              type: 'object',
              required: ['result', 'response'],
              properties: {
                result: { type: 'boolean', enum: [true] },
                response: {
                  type: 'object',
                  required: ['accepted'],
                  properties: { accepted: { type: 'integer', description: 'Log lines accepted' } },
                },
              },
            }),
          },
          ...writeErrors,
        },
      },
    },
    ...operationalPaths('Kafka answers'),
  },
  // a sensor token whose patterns cover every sensor of the request, only with RECEIVER_AUTH=on
  security: optionalBearer,
  components: {
    securitySchemes: bearerSecurityScheme,
    responses: {
      BadRequest: errorResponse(
        'Invalid input; each error names its field (and `index` in a batch). At most the first 100 errors are listed, then one item saying how many more (`errorCount` gives the total)',
      ),
      TooLarge: errorResponse('The body is larger than RECEIVER_BODY_LIMIT_BYTES'),
      NotJson: errorResponse('The body is not JSON (send Content-Type: application/json)'),
      Overloaded: errorResponse(
        'Too many readings are waiting for Kafka, a sensor is over RECEIVER_SENSOR_RATE_LIMIT, or this address failed too many token checks; retry later',
        retryAfter,
      ),
      Unavailable: errorResponse(
        'Kafka is unavailable; retry later. The message says whether nothing was written or some readings may have been (a send had started): readings with a client `id` are stored once however often they are retried',
        retryAfter,
      ),
    },
    schemas: {
      ...commonSchemas({ field: 'temperature', message: 'must be a finite number' }),
      SensorId: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
      At: {
        description:
          'When the readings were taken: an ISO-8601 date-time with offset, or epoch milliseconds. The time of receipt when absent.',
        oneOf: [
          { type: 'string', format: 'date-time', example: '2026-11-22T10:00:00Z' },
          { type: 'integer', example: 1795341600000 },
        ],
      },
      ReadingId: {
        type: 'string',
        pattern: '^[A-Za-z0-9._:-]{1,128}$',
        description:
          'Client-chosen id (a sequence number, a UUID...), the deduplication key: a request retried with the same id ' +
          'is stored once. Without it, every request makes new readings.',
      },
      Measurement: {
        type: 'object',
        description:
          'Every field other than at, id, sensorId and sensorUuid is a metric: a name of [a-z][a-z0-9_]* (1-64) and a finite number. At least one.',
        properties: {
          at: ref('At'),
          id: ref('ReadingId'),
          sensorUuid: { type: 'string', description: 'Ignored: the path wins (as in the original)' },
        },
        additionalProperties: { type: 'number' },
        minProperties: 1,
        example: { temperature: 99 },
      },
      LogLine: {
        type: 'object',
        required: ['level', 'message'],
        additionalProperties: false,
        properties: {
          at: ref('At'),
          level: { type: 'string', enum: ['debug', 'info', 'warning', 'error', 'critical'] },
          message: {
            type: 'string',
            minLength: 1,
            description: '1 byte to 8 KiB (8192 bytes) of UTF-8, without NUL',
          },
          source: {
            type: 'string',
            minLength: 1,
            maxLength: 256,
            description: 'What wrote the line (a file, a component): 1-256 characters without NUL',
          },
          id: {
            type: 'string',
            pattern: '^[A-Za-z0-9._:-]{1,128}$',
            description:
              'Client-chosen id, the deduplication key with the sensor: a line re-sent with the same id is stored once',
          },
        },
        example: { level: 'error', message: 'disk /dev/sda1 is 91% full', source: '/var/log/syslog', id: '42' },
      },
      BatchMeasurement: {
        type: 'object',
        required: ['sensorId'],
        description:
          'A measurement with its sensor (`sensorUuid` is accepted in place of `sensorId`); every field other than ' +
          'sensorId, sensorUuid, at and id is a metric.',
        properties: { sensorId: ref('SensorId'), at: ref('At'), id: ref('ReadingId') },
        additionalProperties: { type: 'number' },
        example: { sensorId: 'sensor-1', temperature: 21.5, humidity: 40, at: '2026-11-22T10:00:00Z' },
      },
    },
  },
} as const;
