// The alarms API in the assessor's OpenAPI document (openapi.ts spreads these paths and schemas in).
import { accessErrorResponses, errorResponse, json, ref, retryAfter, tooManyFailedChecks } from '../../shared/src';
import { SEVERITIES } from '../../shared/src/rule-set';
import { ALARM_STATUSES, MAX_COMMENT_BYTES } from './alarm-params';

const param = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const time = { type: 'string', format: 'date-time', description: 'UTC, with milliseconds' };
const nullableTime = { ...time, nullable: true };
const alarmId = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The alarm id (a UUID); another form is a 400',
  schema: { type: 'string', format: 'uuid' },
};
const listErrors = {
  '400': { $ref: '#/components/responses/BadRequest' },
  '503': { $ref: '#/components/responses/Unavailable' },
};
const filters = [
  { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ALARM_STATUSES } },
  {
    name: 'acknowledged',
    in: 'query',
    required: false,
    schema: { type: 'string', enum: ['true', 'false'] },
  },
  {
    name: 'rule',
    in: 'query',
    required: false,
    description: "The rule's name",
    schema: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,63}$' },
  },
  param('Type'),
  { name: 'severity', in: 'query', required: false, schema: { type: 'string', enum: SEVERITIES } },
  { name: 'from', in: 'query', required: false, schema: { type: 'string', description: 'Raised at or after' } },
  { name: 'to', in: 'query', required: false, schema: { type: 'string', description: 'Raised before; after from' } },
  param('Limit'),
  param('Cursor'),
];
const page = {
  description: 'Alarms newest first, by (raisedAt, id)',
  ...json({
    type: 'object',
    required: ['alarms', 'nextCursor'],
    properties: {
      alarms: { type: 'array', items: ref('Alarm') },
      nextCursor: { type: 'string', nullable: true, description: 'null on the last page' },
    },
  }),
};
const actionBody = {
  required: false,
  description: 'Optional; no body at all is the same as {}',
  ...json({
    type: 'object',
    additionalProperties: false,
    properties: {
      comment: {
        type: 'string',
        nullable: true,
        minLength: 1,
        description: `At most ${MAX_COMMENT_BYTES} bytes of UTF-8, no NUL`,
      },
    },
    example: { comment: 'fan replaced' },
  }),
};
const actionErrors = {
  '400': errorResponse('A malformed id, an unknown body field, a comment over 1 KiB'),
  ...accessErrorResponses,
  '404': errorResponse('No alarm has this id'),
  '413': errorResponse('The body is too large'),
  '415': errorResponse('The body is not JSON'),
  '429': tooManyFailedChecks,
  '503': errorResponse(
    'PostgreSQL or Kafka is unavailable, or Kafka did not confirm in time (then the action may still take effect; retrying it is safe)',
    retryAfter,
  ),
};
const operatorOnly = { security: [{ bearer: [] }], tags: ['alarms'] };

export const alarmsPaths = {
  '/api/v1/alarms': {
    get: {
      summary: 'Alarms across sensors, newest first',
      operationId: 'listAlarms',
      tags: ['alarms'],
      parameters: [
        {
          name: 'sensorId',
          in: 'query',
          required: false,
          schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
        },
        ...filters,
      ],
      responses: { '200': page, ...listErrors },
    },
  },
  '/api/v1/sensors/{sensorId}/alarms': {
    get: {
      summary: "A sensor's alarms, newest first",
      operationId: 'listSensorAlarms',
      tags: ['alarms'],
      parameters: [param('SensorId'), ...filters],
      responses: { '200': page, ...listErrors },
    },
  },
  '/api/v1/alarms/{id}': {
    get: {
      summary: 'One alarm',
      operationId: 'getAlarm',
      tags: ['alarms'],
      parameters: [alarmId],
      responses: {
        '200': { description: 'The alarm', ...json(ref('Alarm')) },
        '400': errorResponse('The id is not a UUID'),
        '404': errorResponse('No alarm has this id'),
        '503': { $ref: '#/components/responses/Unavailable' },
      },
    },
  },
  '/api/v1/alarms/{id}/ack': {
    post: {
      summary: 'Acknowledge an alarm (operator)',
      description:
        'Idempotent: a second ack answers 200 with the first one\'s time and name. The ack is also published on the alarms topic as an "acknowledged" transition.',
      operationId: 'acknowledgeAlarm',
      ...operatorOnly,
      parameters: [alarmId],
      requestBody: actionBody,
      responses: { '200': { description: 'The alarm, acknowledged', ...json(ref('Alarm')) }, ...actionErrors },
    },
  },
  '/api/v1/alarms/{id}/clear': {
    post: {
      summary: 'Clear an alarm (operator)',
      description:
        "The clear is applied in order with the sensor's readings: readings before it count toward this alarm, the warning run " +
        'starts again after it, and the next run of N warnings raises a new alarm (a new id). 200 once the alarm is cleared ' +
        '(or was already); 202 when it was not seen cleared within ASSESSOR_CLEAR_WAIT_MS: the clear is in Kafka and takes ' +
        'effect when the processor reaches it.',
      operationId: 'clearAlarm',
      ...operatorOnly,
      parameters: [alarmId],
      requestBody: actionBody,
      responses: {
        '200': { description: 'The alarm, cleared', ...json(ref('Alarm')) },
        '202': { description: 'The clear is on its way; the alarm as it is now', ...json(ref('Alarm')) },
        ...actionErrors,
      },
    },
  },
};

export const alarmSchemas = {
  Alarm: {
    type: 'object',
    required: [
      'id',
      'sensorId',
      'rule',
      'metric',
      'type',
      'severity',
      'status',
      'acknowledged',
      'raisedAt',
      'value',
      'peak',
      'events',
      'warnings',
      'lastWarningAt',
      'clearedAt',
      'clearedBy',
      'acknowledgedAt',
      'acknowledgedBy',
      'comment',
    ],
    properties: {
      id: { type: 'string', format: 'uuid' },
      sensorId: { type: 'string' },
      rule: { type: 'string', description: "The rule's name" },
      metric: { type: 'string', nullable: true, description: 'null for a silence alarm' },
      type: { type: 'string', example: 'TEMPERATURE_EXCEEDED' },
      severity: { type: 'string', enum: SEVERITIES },
      status: { type: 'string', enum: ALARM_STATUSES },
      acknowledged: { type: 'boolean' },
      raisedAt: time,
      value: { type: 'number', nullable: true, description: "The raising event's value; null for a silence alarm" },
      peak: { type: 'number', nullable: true, description: 'The worst value while active' },
      events: { type: 'integer', description: 'Events absorbed (1 at the raise)' },
      warnings: {
        type: 'integer',
        description: 'Warning readings since the run that raised it began (N at the raise)',
      },
      lastWarningAt: nullableTime,
      clearedAt: nullableTime,
      clearedBy: { type: 'string', nullable: true, description: '"rule", or the name of the operator\'s token' },
      acknowledgedAt: nullableTime,
      acknowledgedBy: { type: 'string', nullable: true, description: "The operator token's name" },
      comment: {
        type: 'string',
        nullable: true,
        description: "The operator's: the clear's comment when it had one, else the first ack's",
      },
    },
  },
};
