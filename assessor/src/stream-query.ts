// GET /api/v1/stream's parameters → the selected sensors, or a 400 naming every bad field. Pure.
// `sensorId` is the one parameter and the one that may repeat (?sensorId=a&sensorId=b); as everywhere
// else, a parameter the endpoint does not know is an error.
import { type FieldError, isSensorId, printable, SENSOR_ID_MESSAGE, validationError } from '../../shared/src';
import type { RawQuery } from './query-params';

/** Most sensors one stream may select (CONTRACT.md "Live stream"). */
export const MAX_STREAM_SENSORS = 50;

export interface StreamQuery {
  /** distinct, in the order given; empty: no readings, and events and alarms of every sensor */
  sensorIds: string[];
}

export function parseStreamQuery(query: RawQuery): StreamQuery {
  const errors: FieldError[] = [];
  for (const name of Object.keys(query)) {
    if (name !== 'sensorId')
      errors.push({ field: printable(name), message: 'is not a parameter of this endpoint (known: sensorId)' });
  }
  const given = query.sensorId === undefined ? [] : ([] as unknown[]).concat(query.sensorId);
  const sensorIds = [...new Set(given)];
  if (sensorIds.length > MAX_STREAM_SENSORS) {
    errors.push({
      field: 'sensorId',
      message: `at most ${MAX_STREAM_SENSORS} sensors a stream (${sensorIds.length} given); open several streams, or none for events and alarms of all sensors`,
    });
  } else {
    const bad = sensorIds.findIndex((id) => !isSensorId(id));
    if (bad >= 0) errors.push({ field: 'sensorId', message: `${SENSOR_ID_MESSAGE} (value ${bad + 1})` });
  }
  if (errors.length) throw validationError(errors);
  return { sensorIds: sensorIds as string[] };
}
