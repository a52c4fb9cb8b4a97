// A small real HTTP proxy in front of the receiver, for the client's integration tests: each request is
// forwarded as is (gzip body and headers included), and the test decides per request what the client
// gets: the receiver's answer, no answer at all after the receiver handled it (the connection is cut
// once the upstream answer is read: the readings are stored, the client cannot know), or an answer of
// its own without forwarding (a 503 or 429 with Retry-After).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyAction =
  'forward' | 'lose-answer' | { status: number; headers?: Record<string, string>; body?: unknown };

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Date.now() when the request was read */
  at: number;
  /** the status the receiver answered, for forwarded requests */
  upstreamStatus?: number;
}

export interface FaultProxy {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export async function startFaultProxy(
  targetUrl: string,
  decide: (n: number, request: SeenRequest) => ProxyAction,
): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const seen: SeenRequest[] = [];
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: SeenRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        at: Date.now(),
      };
      seen.push(request);
      const action = decide(seen.length, request);
      if (typeof action === 'object') {
        res.writeHead(action.status, { 'content-type': 'application/json', ...(action.headers ?? {}) });
        res.end(
          JSON.stringify(action.body ?? { result: false, response: [{ field: 'service', message: 'injected' }] }),
        );
        return;
      }
      const headers = { ...req.headers, host: target.host };
      delete headers.connection;
      const upstream = http.request(
        { agent, host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (c: Buffer) => body.push(c));
          answer.on('end', () => {
            request.upstreamStatus = answer.statusCode;
            if (action === 'lose-answer') {
              req.socket.destroy();
              return;
            }
            const out = { ...answer.headers };
            delete out.connection;
            delete out['keep-alive'];
            res.writeHead(answer.statusCode ?? 502, out);
            res.end(Buffer.concat(body));
          });
        },
      );
      upstream.on('error', () => req.socket.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
