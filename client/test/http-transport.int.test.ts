// The transport on real loopback sockets: a deadline for the whole exchange, and the one resend Node
// documents for a kept-alive connection the server closed just as it was reused.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { createTransport, TransportError } from '../src/http-transport';

async function listen(handler: http.RequestListener): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const close = (server: http.Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

describe('HTTP transport', () => {
  it('when the server does not answer, then it fails with a timeout at the deadline', async () => {
    const { url, server } = await listen(() => undefined);
    const transport = createTransport();
    const started = Date.now();
    try {
      const failure = await transport
        .send({ method: 'POST', url: new URL(`${url}/x`), headers: {}, body: Buffer.from('{}'), timeoutMs: 300 })
        .catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(TransportError);
      expect((failure as TransportError).kind).toBe('timeout');
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      transport.close();
      await close(server);
    }
  });

  it('when the server resets a kept-alive connection as it is reused, then the request is sent once more on a new one', async () => {
    const perSocket = new Map<Socket, number>();
    let resets = 0;
    let requests = 0;
    const { url, server } = await listen((req, res) => {
      requests++;
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      req.resume();
      req.on('end', () => {
        if (n === 2 && resets === 0) {
          resets++;
          req.socket.destroy();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"result":true}');
      });
    });
    const transport = createTransport();
    try {
      const send = () =>
        transport.send({
          method: 'POST',
          url: new URL(`${url}/x`),
          headers: {},
          body: Buffer.from('{}'),
          timeoutMs: 5000,
        });
      expect((await send()).status).toBe(200);
      const second = await send();
      expect(second.status).toBe(200);
      expect(second.body.toString()).toBe('{"result":true}');
      expect(resets).toBe(1);
      expect(requests).toBe(3);
    } finally {
      transport.close();
      await close(server);
    }
  });

  it('when aborted, then it fails at once as aborted', async () => {
    const { url, server } = await listen(() => undefined);
    const transport = createTransport();
    const controller = new AbortController();
    try {
      const pending = transport.send({
        method: 'GET',
        url: new URL(`${url}/x`),
        headers: {},
        timeoutMs: 10_000,
        signal: controller.signal,
      });
      controller.abort();
      await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
    } finally {
      transport.close();
      await close(server);
    }
  });
});
