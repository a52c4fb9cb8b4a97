// The HTTP server of every service, and how it stops. From the first moment of shutdown `/ready`
// answers 503 (a balancer or probe stops sending work at once, whatever closes first), every answer
// carries `Connection: close`, and on close:
//  - the listener stops accepting connections and idle keep-alive connections are closed at once;
//  - a request in flight is answered with `Connection: close`, so its client does not reuse the
//    connection and the socket closes after the answer (a busy keep-alive connection would otherwise
//    keep the server open until keepAliveTimeout, past the shutdown deadline);
//  - whatever is still open after `forceCloseAfterMs` (a client that never finishes its request) is
//    destroyed, so the closers registered before this one (e.g. flushing Kafka) still get their time.
import http, { type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Lifecycle } from '../lifecycle';
import { listen } from '../lifecycle';

/** Longer than the idle timeouts of common balancers (AWS ALB: 60 s), so they close first, never us mid-request. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface HttpServerOptions {
  /** the express app (or any request listener) */
  app: RequestListener;
  port: number;
  host: string;
  lifecycle: Lifecycle;
  /** the closer's name in the lifecycle's logs */
  name?: string;
  /** after this long in shutdown, connections still open are destroyed (default: half the shutdown deadline) */
  forceCloseAfterMs?: number;
}

const isReadinessProbe = (req: IncomingMessage) => req.url === '/ready' || req.url?.startsWith('/ready?') === true;

/** Creates the server and listens (port 0 picks a free one: see server.address()); once bound, registers its closer. */
export async function startHttpServer(options: HttpServerOptions): Promise<Server> {
  const { lifecycle } = options;
  const inFlight = new Set<ServerResponse>();
  let closing = false;

  const server = http.createServer((req, res) => {
    if (lifecycle.stopping) {
      res.setHeader('Connection', 'close');
      if (isReadinessProbe(req)) {
        res.writeHead(503, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ status: 'DOWN', reason: 'shutting down', checks: {} }));
        return;
      }
    }
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      // an answer whose headers went out before shutdown kept its connection alive: close it now it is idle
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    options.app(req, res);
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  await listen(server, options.port, options.host);

  const forceCloseAfterMs = options.forceCloseAfterMs ?? lifecycle.timeoutMs / 2;
  lifecycle.onShutdown(options.name ?? 'http server', async () => {
    closing = true;
    for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    const closed = new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
    });
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), forceCloseAfterMs);
    try {
      await closed;
    } finally {
      clearTimeout(force);
    }
  });
  return server;
}
