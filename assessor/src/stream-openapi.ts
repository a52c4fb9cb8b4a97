// The live stream in the assessor's OpenAPI document (openapi.ts spreads these paths in).
import { accessErrorResponses, errorResponse, retryAfter } from '../../shared/src';
import { MAX_STREAM_SENSORS } from './stream-query';

export const streamPaths = {
  '/api/v1/stream': {
    get: {
      summary: 'Live stream of readings, events and alarm transitions (Server-Sent Events)',
      description:
        'text/event-stream. `event: reading` (data {sensorId, metric, value, at}) for the selected sensors; `event: event` ' +
        '(the compat event plus sensorId) and `event: alarm` (the alarm) for the selected sensors, or for all sensors when ' +
        'none is selected. A reading is on the stream within a second of its 200. Comments (`: ping`) every ' +
        'ASSESSOR_STREAM_HEARTBEAT_MS; `retry:` gives the reconnection delay. Only what happens after the stream opens is ' +
        'sent (no replay: read the history from the other endpoints). A client that does not read fast enough (more than ' +
        'ASSESSOR_STREAM_CLIENT_BUFFER_BYTES waiting) is disconnected. With ASSESSOR_AUTH=on it needs a viewer token in the ' +
        'Authorization header (read it with fetch(); EventSource cannot send headers); a revoked token ends the stream.',
      operationId: 'stream',
      tags: ['live'],
      parameters: [
        {
          name: 'sensorId',
          in: 'query',
          required: false,
          description: `Sensors whose readings are sent, repeatable (?sensorId=a&sensorId=b), at most ${MAX_STREAM_SENSORS}`,
          style: 'form',
          explode: true,
          schema: {
            type: 'array',
            maxItems: MAX_STREAM_SENSORS,
            items: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
          },
        },
      ],
      responses: {
        '200': {
          description: 'The stream, open until the client or the server ends it',
          content: {
            'text/event-stream': {
              schema: { type: 'string' },
              example:
                'retry: 3000\n\n: connected\n\nevent: reading\ndata: {"sensorId":"s-42","metric":"temperature","value":99,"at":"2026-11-22T10:00:03.120Z"}\n\n: ping\n\n',
            },
          },
        },
        '400': errorResponse(`More than ${MAX_STREAM_SENSORS} sensors, a bad sensor id, or an unknown parameter`),
        ...accessErrorResponses,
        '429': errorResponse('This instance serves ASSESSOR_STREAM_MAX_CLIENTS streams already', retryAfter),
        '503': errorResponse('The instance is shutting down', retryAfter),
      },
    },
  },
};
