// What a valid sensor id, client id and event type are, and how client text is echoed in an error.
// One place for the receiver (requests), the assessor (query parameters) and the consumers (messages),
// so what one accepts the others accept too. Pure.

/** The contract's sensor id: 1-128 characters of A-Z a-z 0-9 . _ : - */
export const SENSOR_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const SENSOR_ID_MESSAGE = 'must be 1-128 characters of A-Z a-z 0-9 . _ : -';
/** A client-chosen reading id (sequence number, UUID...): the deduplication key when present. */
export const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Event types: the metric upper-cased + `_EXCEEDED` (metrics have up to 64 characters), or a rule's own. */
export const EVENT_TYPE = /^[A-Z][A-Z0-9_]{0,80}$/;

export const isSensorId = (value: unknown): value is string => typeof value === 'string' && SENSOR_ID.test(value);

/** Names and values come from the client: keep what an error message echoes short and printable. */
export function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
}
