// startHttpServer's shutdown with real sockets on loopback and a real keep-alive agent.
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { createLifecycle } from '../lifecycle';
import { startHttpServer } from './http-server';

const logger = pino({ level: 'silent' });

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  socketClosed: Promise<void>;
}

function get(port: number, path: string, agent: http.Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      const socketClosed = new Promise<void>((r) => res.socket.once('close', () => r()));
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, socketClosed }));
    });
    req.on('error', reject);
  });
}

/** An app with a route that holds its answer until released, and a quick one. */
function slowApp() {
  const received = deferred();
  const release = deferred();
  const app = express();
  app.get('/slow', async (_req, res) => {
    received.resolve();
    await release.promise;
    res.json({ done: true });
  });
  app.get('/ready', (_req, res) => {
    res.json({ status: 'UP' });
  });
  return { app, received, release };
}

describe('startHttpServer shutdown', () => {
  it('when a keep-alive connection is busy at shutdown, then its answer says Connection: close, the socket closes and shutdown ends well before the deadline', async () => {
    const lifecycle = createLifecycle(logger, 10_000);
    const drained: string[] = [];
    // registered first, so closed after the server: what the receiver does with Kafka
    lifecycle.onShutdown('publisher', () => {
      drained.push('publisher');
    });
    const { app, received, release } = slowApp();
    const server = await startHttpServer({ app, port: 0, host: '127.0.0.1', lifecycle });
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const warm = await get(port, '/ready', agent); // the agent now holds an open keep-alive socket
      expect(warm.headers.connection).toBe('keep-alive');
      const slow = get(port, '/slow', agent);
      await received.promise;

      const started = Date.now();
      const shutdown = lifecycle.shutdown('test');
      release.resolve();
      const answer = await slow;
      expect(answer.status).toBe(200);
      expect(answer.headers.connection).toBe('close');
      await answer.socketClosed;
      expect(await shutdown).toBe(true);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(drained).toEqual(['publisher']);
      expect(server.listening).toBe(false);
    } finally {
      agent.destroy();
    }
  });

  it('when shutdown has begun but the server is not closed yet, then /ready answers 503 and every answer says Connection: close', async () => {
    const lifecycle = createLifecycle(logger, 10_000);
    const app = express();
    app.get('/ready', (_req, res) => {
      res.json({ status: 'UP' });
    });
    app.get('/health', (_req, res) => {
      res.json({ status: 'UP' });
    });
    // a status server is registered before the consumer, so it closes after it
    const server = await startHttpServer({ app, port: 0, host: '127.0.0.1', lifecycle, name: 'status server' });
    const consumerStopping = deferred();
    const consumerStopped = deferred();
    lifecycle.onShutdown('consumer', async () => {
      consumerStopping.resolve();
      await consumerStopped.promise;
    });
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true });
    try {
      expect((await get(port, '/ready', agent)).status).toBe(200);
      const shutdown = lifecycle.shutdown('test');
      await consumerStopping.promise;

      const ready = await get(port, '/ready', agent);
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.body)).toEqual({ status: 'DOWN', reason: 'shutting down', checks: {} });
      expect(ready.headers.connection).toBe('close');
      const health = await get(port, '/health', agent);
      expect(health.status).toBe(200);
      expect(health.headers.connection).toBe('close');

      consumerStopped.resolve();
      expect(await shutdown).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('when a client never finishes its request, then its connection is destroyed at forceCloseAfterMs and shutdown still succeeds', async () => {
    const lifecycle = createLifecycle(logger, 10_000);
    const { app, received } = slowApp();
    const server = await startHttpServer({ app, port: 0, host: '127.0.0.1', lifecycle, forceCloseAfterMs: 300 });
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true });
    try {
      const failed = get(port, '/slow', agent).then(
        () => 'answered',
        (err: NodeJS.ErrnoException) => err.code,
      );
      await received.promise;
      const started = Date.now();
      expect(await lifecycle.shutdown('test')).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(await failed).toBe('ECONNRESET');
    } finally {
      agent.destroy();
    }
  });
});
