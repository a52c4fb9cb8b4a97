// The cursor of log line lists: the (at, id) of the last line of a page, newest first. Same format as
// cursor.ts's (base64url of a JSON array, tag first); tag 'l', so another list's cursor is refused.
// Kept apart from cursor.ts so the logs lists own their format. Clients must treat cursors as opaque.
import { EARLIEST_MS, LATEST_MS } from '../../shared/src';
import type { TimeKey } from './cursor';

const TAG = 'l';
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAX_CURSOR_CHARS = 2048;
const EPOCH_US = /^-?\d{1,18}$/;
const MAX_ID_CHARS = 512;

export const encodeLogKey = (key: TimeKey): string =>
  Buffer.from(JSON.stringify([TAG, key.atUs, key.id]), 'utf8').toString('base64url');

export function decodeLogKey(text: string): TimeKey | undefined {
  if (text.length > MAX_CURSOR_CHARS || !BASE64URL.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 3 || value[0] !== TAG) return undefined;
  const [, atUs, id] = value as unknown[];
  if (typeof atUs !== 'string' || typeof id !== 'string') return undefined;
  if (!EPOCH_US.test(atUs) || id.length === 0 || id.length > MAX_ID_CHARS) return undefined;
  // a forged time PostgreSQL cannot represent would fail the query (22008) instead of being a 400
  const ms = Number(atUs) / 1000;
  if (ms < EARLIEST_MS || ms > LATEST_MS + 1) return undefined;
  return { atUs, id };
}
