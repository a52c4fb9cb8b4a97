// A minimal HTTP/1.1 client on a raw TCP socket, for requests no well-behaved client sends: the exact
// bytes of a case go on the wire (broken framing, garbage request lines, oversized headers, lying
// encodings), and whatever comes back is read leniently: the app's answer, a reject written by Node's
// own HTTP parser (no body, not JSON), or a connection closed without any answer.
import net from 'node:net';

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** 'content-length' (the default when there is a body), 'chunked', or 'none' (no framing header) */
  framing?: 'content-length' | 'chunked' | 'none';
}

export interface RawResponse {
  /** the status of the final (non-1xx) answer; undefined when the connection closed without one */
  status?: number;
  /** lower-cased header names */
  headers: Record<string, string>;
  body: Buffer;
  /** bytes received in all */
  received: number;
  /** a socket error seen meanwhile (EPIPE, ECONNRESET: the server closed while we were still writing) */
  socketError?: string;
  timedOut: boolean;
  ms: number;
}

const CHUNK_BYTES = 64 * 1024;

/** The bytes of a request: request line, Host, Connection: close, the case's headers, the framing, the body. */
export function frame(port: number, request: RawRequest): Buffer {
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close'];
  for (const [name, value] of Object.entries(request.headers ?? {})) lines.push(`${name}: ${value}`);
  let body = request.body ?? Buffer.alloc(0);
  const framing = request.framing ?? (request.body ? 'content-length' : 'none');
  if (framing === 'content-length') lines.push(`Content-Length: ${body.length}`);
  if (framing === 'chunked') {
    lines.push('Transfer-Encoding: chunked');
    body = chunked(body);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

function chunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < body.length; i += CHUNK_BYTES) {
    const chunk = body.subarray(i, i + CHUNK_BYTES);
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`, 'latin1'), chunk, Buffer.from('\r\n', 'latin1'));
  }
  parts.push(Buffer.from('0\r\n\r\n', 'latin1'));
  return Buffer.concat(parts);
}

/**
 * Writes `bytes` on a fresh connection and resolves with the answer once it is complete (or the
 * connection closed, or `timeoutMs` passed). Never rejects: a refused write or a reset is recorded.
 */
export function exchange(
  port: number,
  bytes: Buffer,
  options: { endAfterWrite?: boolean; abortAfterWrite?: boolean; head?: boolean; timeoutMs?: number } = {},
): Promise<RawResponse> {
  return new Promise((resolve) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    let socketError: string | undefined;
    let timedOut = false;
    let done = false;
    const socket = net.connect(port, '127.0.0.1');
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const all = Buffer.concat(chunks);
      const parsed = parseResponse(all, options.head ?? false);
      resolve({
        status: parsed.status,
        headers: parsed.headers,
        body: parsed.body,
        received: all.length,
        socketError,
        timedOut,
        ms: Date.now() - started,
      });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      finish();
    }, options.timeoutMs ?? 30_000);
    socket.on('connect', () => {
      socket.write(bytes, () => {
        if (options.endAfterWrite) socket.end();
        // a client that vanishes mid-request: TCP reset, nothing more read
        if (options.abortAfterWrite) setTimeout(() => socket.resetAndDestroy(), 50);
      });
    });
    socket.on('data', (data: Buffer) => {
      chunks.push(data);
      if (parseResponse(Buffer.concat(chunks), options.head ?? false).complete) finish();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      socketError ??= err.code ?? err.message;
    });
    socket.on('close', finish);
  });
}

interface Parsed {
  complete: boolean;
  status?: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Parses the first final answer in `buf` (1xx answers are skipped), tolerating a cut one. */
export function parseResponse(buf: Buffer, head: boolean): Parsed {
  let offset = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', offset, 'latin1');
    if (end < 0) return { complete: false, headers: {}, body: Buffer.alloc(0) };
    const [statusLine, ...headerLines] = buf.subarray(offset, end).toString('latin1').split('\r\n');
    const match = /^HTTP\/\d\.\d (\d{3})/.exec(statusLine);
    if (!match) return { complete: true, headers: {}, body: Buffer.alloc(0) };
    const status = Number(match[1]);
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const rest = buf.subarray(end + 4);
    if (status >= 100 && status < 200) {
      offset = end + 4;
      continue;
    }
    if (head || status === 204 || status === 304) return { complete: true, status, headers, body: Buffer.alloc(0) };
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const { complete, body } = dechunk(rest);
      return { complete, status, headers, body };
    }
    if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      return { complete: rest.length >= length, status, headers, body: rest.subarray(0, length) };
    }
    return { complete: false, status, headers, body: rest };
  }
}

function dechunk(buf: Buffer): { complete: boolean; body: Buffer } {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', offset, 'latin1');
    if (lineEnd < 0) return { complete: false, body: Buffer.concat(parts) };
    const size = parseInt(buf.subarray(offset, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return { complete: true, body: Buffer.concat(parts) };
    if (size === 0) return { complete: true, body: Buffer.concat(parts) };
    const start = lineEnd + 2;
    if (buf.length < start + size) return { complete: false, body: Buffer.concat([...parts, buf.subarray(start)]) };
    parts.push(buf.subarray(start, start + size));
    offset = start + size + 2;
  }
}
