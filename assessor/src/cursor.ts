// Opaque page cursors: base64url of a small JSON array [kind, ...position]. A cursor is the position of
// the last item of a page (keyset paging), so pages stay consistent while rows are appended and every
// page is an index range scan however deep it is. The kind stops a cursor of one list being used on
// another. Clients must treat cursors as opaque; the format may change.

import { EARLIEST_MS, LATEST_MS } from '../../shared/src';

/** Position after a row ordered by (at, id); `atUs` is `at` in epoch microseconds, as decimal text (exact). */
export interface TimeKey {
  atUs: string;
  id: string;
}

export type CursorKind = 'event' | 'reading' | 'sensor' | 'storedEvent' | 'alarm';

const TAGS: Record<CursorKind, string> = { event: 'e', reading: 'r', sensor: 's', storedEvent: 'q', alarm: 'a' };
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAX_CURSOR_CHARS = 2048;
const EPOCH_US = /^-?\d{1,18}$/;
/** 0: before the first event */
const SEQ = /^(0|[1-9]\d{0,17})$/;
const MAX_ID_CHARS = 512;

function encode(kind: CursorKind, parts: string[]): string {
  return Buffer.from(JSON.stringify([TAGS[kind], ...parts]), 'utf8').toString('base64url');
}

function decode(text: string, kind: CursorKind, arity: number): string[] | undefined {
  if (text.length > MAX_CURSOR_CHARS || !BASE64URL.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== arity + 1 || value[0] !== TAGS[kind]) return undefined;
  const parts = value.slice(1);
  return parts.every((p): p is string => typeof p === 'string') ? parts : undefined;
}

/** Position after a row ordered by (at, id), or for alarms (newest first) by (raisedAt, id) descending. */
export type TimeKeyKind = 'event' | 'reading' | 'alarm';

export const encodeTimeKey = (kind: TimeKeyKind, key: TimeKey): string => encode(kind, [key.atUs, key.id]);

export function decodeTimeKey(text: string, kind: TimeKeyKind): TimeKey | undefined {
  const parts = decode(text, kind, 2);
  if (!parts) return undefined;
  const [atUs, id] = parts;
  if (!EPOCH_US.test(atUs) || id.length === 0 || id.length > MAX_ID_CHARS) return undefined;
  // a forged time PostgreSQL cannot represent would fail the query (22008) instead of being a 400
  const ms = Number(atUs) / 1000;
  if (ms < EARLIEST_MS || ms > LATEST_MS + 1) return undefined;
  return { atUs, id };
}

/** Position after an event in storage order: its `seq` (bigint as decimal text). */
export const encodeStoredKey = (seq: string): string => encode('storedEvent', [seq]);

export function decodeStoredKey(text: string): string | undefined {
  const parts = decode(text, 'storedEvent', 1);
  return parts && SEQ.test(parts[0]) ? parts[0] : undefined;
}

export const encodeSensorKey = (sensorId: string): string => encode('sensor', [sensorId]);

export function decodeSensorKey(text: string, isSensorId: (id: string) => boolean): string | undefined {
  const parts = decode(text, 'sensor', 1);
  return parts && isSensorId(parts[0]) ? parts[0] : undefined;
}
