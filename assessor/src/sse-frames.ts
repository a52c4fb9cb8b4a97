// The Server-Sent Events wire format (WHATWG HTML, "event streams"), the frames the live stream
// writes. Pure. A message is `event:` and `data:` lines ended by a blank line; a line starting with a
// colon is a comment, which clients ignore (the heartbeat); `retry:` tells clients how long to wait
// before reconnecting.

/**
 * One message. `data` is JSON, which never holds a raw line break (JSON.stringify escapes them), so it
 * is always one data line; the event name is one of ours, checked so no caller can break the framing.
 */
export function sseMessage(event: string, data: unknown): string {
  if (!/^[a-z]+$/.test(event)) throw new Error(`not an event name: ${event}`);
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment: ignored by clients, it keeps proxies and load balancers from closing an idle stream. */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/** The reconnection delay a client should use after the stream drops, in ms. */
export function sseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}

export const HEARTBEAT = sseComment('ping');
