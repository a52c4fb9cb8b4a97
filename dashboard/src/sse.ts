// An incremental parser of the Server-Sent Events wire format (the WHATWG "event stream" rules: lines
// ending in \n, \r\n or \r; `event:`, `data:` (joined with \n), `id:`, `retry:`; `:` comments such as
// heartbeats; a blank line dispatches). The dashboard reads the stream with fetch() instead of
// EventSource because EventSource cannot send an Authorization header. Pure.

export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

export interface SseParser {
  /** Feeds decoded text; returns the messages completed by it. */
  push(text: string): SseMessage[];
  /** the last `retry:` the server asked for, in ms */
  readonly retryMs: number | undefined;
  /** the last event id seen (for Last-Event-ID on reconnection) */
  readonly lastEventId: string | undefined;
}

export function createSseParser(): SseParser {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  let lastEventId: string | undefined;
  let retryMs: number | undefined;
  let pendingCr = false;

  const line = (text: string, out: SseMessage[]) => {
    if (text === '') {
      if (data.length) {
        out.push({ event: event || 'message', data: data.join('\n'), ...(id === undefined ? {} : { id }) });
      }
      if (id !== undefined) lastEventId = id;
      event = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const name = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'event') event = value;
    else if (name === 'data') data.push(value);
    else if (name === 'id' && !value.includes('\0')) id = value;
    else if (name === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
  };

  return {
    push(text) {
      const out: SseMessage[] = [];
      // a \r at the end of the previous chunk may be the first half of \r\n
      if (pendingCr && text.startsWith('\n')) text = text.slice(1);
      pendingCr = false;
      buffer += text;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i];
        if (c !== '\n' && c !== '\r') continue;
        line(buffer.slice(start, i), out);
        if (c === '\r') {
          if (i + 1 === buffer.length) pendingCr = true;
          else if (buffer[i + 1] === '\n') i++;
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
      return out;
    },
    get retryMs() {
      return retryMs;
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}
