// The live stream (GET /api/v1/stream, Server-Sent Events) read with fetch(), which, unlike
// EventSource, can send the token as Authorization. Reconnects with backoff after a drop; a 404 means
// the server has no stream (yet), and the caller falls back to polling; a 400 or 403 stops it.
import { apiPath } from './api';
import { currentToken } from './session';
import { createSseParser, type SseMessage } from './sse';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'unavailable' | 'refused';

/** A server that answered 404 is not asked again for a minute (views re-open streams as they reload). */
const RECHECK_MS = 60_000;
let missingUntil = 0;

export interface LiveStream {
  close(): void;
}

export function openStream(options: {
  sensorIds?: readonly string[];
  onMessage: (message: SseMessage, data: unknown) => void;
  onState: (state: LiveState, detail?: string) => void;
}): LiveStream {
  const controller = new AbortController();
  let closed = false;
  let failures = 0;

  const run = async () => {
    if (Date.now() < missingUntil) {
      options.onState('unavailable', 'this server has no live stream');
      return;
    }
    while (!closed) {
      options.onState(failures ? 'reconnecting' : 'connecting');
      const parser = createSseParser();
      try {
        const headers: Record<string, string> = { Accept: 'text/event-stream' };
        const token = currentToken();
        if (token) headers.Authorization = `Bearer ${token}`;
        const res = await fetch(apiPath('stream', { sensorId: options.sensorIds ?? [] }), {
          headers,
          signal: controller.signal,
          cache: 'no-store',
        });
        if (res.status === 404) {
          missingUntil = Date.now() + RECHECK_MS;
          options.onState('unavailable', 'this server has no live stream');
          return;
        }
        if (res.status === 400 || res.status === 401 || res.status === 403) {
          options.onState('refused', `the stream answered ${res.status}`);
          return;
        }
        if (!res.ok || !res.body || !(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
          throw new Error(`the stream answered ${res.status}`);
        }
        options.onState('live');
        failures = 0;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const message of parser.push(value)) {
            let data: unknown;
            try {
              data = JSON.parse(message.data);
            } catch {
              data = undefined;
            }
            options.onMessage(message, data);
          }
        }
      } catch (err) {
        if (closed || (err as { name?: string }).name === 'AbortError') return;
      }
      if (closed) return;
      failures++;
      const wait = Math.min(30_000, (parser.retryMs ?? 1000) * 2 ** Math.min(failures - 1, 5));
      await new Promise((resolve) => setTimeout(resolve, wait * (0.5 + Math.random() / 2)));
    }
  };
  void run();
  return {
    close() {
      closed = true;
      controller.abort();
    },
  };
}
