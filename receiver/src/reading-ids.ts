// Every reading gets its deduplication key here. Server-assigned: a UUIDv7 (unique and time-ordered).
// Client-chosen (`id` in the body, e.g. a sensor-side sequence number): derived from the sensor, that
// id and the metric, so a sensor that retries after a timeout is stored once, and two sensors using
// the same sequence numbers do not collide. '/' cannot occur in sensor ids, client ids or metrics.
import { v7 as uuidv7 } from 'uuid';
import type { Reading } from '../../shared/src';
import type { ReadingDraft } from './reading-validation';

export function readingId(draft: ReadingDraft, newId: () => string = uuidv7): string {
  return draft.clientId === undefined ? newId() : `c/${draft.sensorId}/${draft.clientId}/${draft.metric}`;
}

export function toReadings(drafts: ReadingDraft[], receivedAt: number, newId: () => string = uuidv7): Reading[] {
  return drafts.map((d) => ({
    id: readingId(d, newId),
    sensorId: d.sensorId,
    metric: d.metric,
    value: d.value,
    at: d.at,
    receivedAt,
  }));
}
