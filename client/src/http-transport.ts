// One HTTP request to the receiver over keep-alive connections (node:http / node:https, no
// dependency), with a deadline for the whole exchange. The answer is whatever the server said; only a
// failure to get one (refused, reset, timed out, aborted) rejects, with a TransportError.
import * as http from 'node:http';
import * as https from 'node:https';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

const gzipAsync = promisify(zlib.gzip);

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type TransportFailure = 'network' | 'timeout' | 'aborted';

export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly kind: TransportFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface HttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface Transport {
  send(request: HttpRequest): Promise<HttpAnswer>;
  /** closes the idle connections; requests under way are not cut */
  close(): void;
}

export function createTransport(options: { maxSockets?: number } = {}): Transport {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? Infinity, maxFreeSockets: 64 };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

  const once = (request: HttpRequest, deadline: number): Promise<HttpAnswer & { reused: boolean }> =>
    new Promise((resolve, reject) => {
      const { url } = request;
      const lib = url.protocol === 'https:' ? https : http;
      const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        reject(new TransportError('network', `unsupported protocol ${url.protocol}`));
        return;
      }
      let settled = false;
      let gotResponse = false;
      const fail = (err: TransportError) => {
        if (settled) return;
        settled = true;
        cleanup();
        req.destroy();
        reject(err);
      };
      const headers: Record<string, string | number> = { ...request.headers };
      if (request.body) headers['content-length'] = request.body.length;
      const req = lib.request(
        {
          agent,
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || undefined,
          method: request.method,
          path: `${url.pathname}${url.search}`,
          headers,
        },
        (res) => {
          gotResponse = true;
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            if (settled) return;
            settled = true;
            cleanup();
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), reused: false });
          });
          res.on('error', (err) => fail(new TransportError('network', `answer cut: ${err.message}`, { cause: err })));
          res.on('close', () => {
            if (!res.complete) fail(new TransportError('network', 'answer cut'));
          });
        },
      );
      const timer = setTimeout(
        () => fail(new TransportError('timeout', `no answer within ${request.timeoutMs} ms`)),
        Math.max(0, deadline - Date.now()),
      );
      const onAbort = () => fail(new TransportError('aborted', 'request aborted'));
      request.signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
      };
      req.on('error', (err: NodeJS.ErrnoException) => {
        const e = new TransportError('network', `${err.code ?? 'error'}: ${err.message}`, { cause: err });
        // a kept-alive connection the server closed meanwhile: marked so the caller may resend once
        (e as TransportError & { staleSocket?: boolean }).staleSocket =
          req.reusedSocket && !gotResponse && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
        fail(e);
      });
      if (request.signal?.aborted) onAbort();
      else req.end(request.body);
    });

  return {
    async send(request) {
      const deadline = Date.now() + request.timeoutMs;
      try {
        return await once(request, deadline);
      } catch (err) {
        // Node's documented remedy for a kept-alive connection the server closed as idle just as it
        // was reused (its keep-alive timeout): the server did not read the request, so sending it once
        // more is what any HTTP client does, even for a request its caller wants untried
        if (err instanceof TransportError && (err as { staleSocket?: boolean }).staleSocket && Date.now() < deadline) {
          return once(request, deadline);
        }
        throw err;
      }
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

/** The body gzip-compressed at `level` (1: fast, the ratio on JSON readings is already ~5x). */
export function gzip(body: Buffer, level: number): Promise<Buffer> {
  return gzipAsync(body, { level });
}
