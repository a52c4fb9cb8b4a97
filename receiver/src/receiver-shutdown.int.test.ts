// The real receiver process (dist/, `npm run build` first) stopped with SIGTERM while a keep-alive
// connection is busy: the request in flight is answered (with Connection: close), its reading reaches
// Kafka (the publisher is drained after the server closes), and the process exits 0 well within its
// shutdown deadline instead of being held open by the keep-alive connection.
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import { freePort, type ServiceProcess, serviceEnv, serviceProcess } from '../../bench/src/service-process';
import { readingCodec } from '../../shared/src';
import { testConfig, uniqueName } from '../../test/helpers';
import { kafkaWithTopics, readTopic } from '../../test/kafka';

const SHUTDOWN_TIMEOUT_MS = 8000;

describe('receiver shutdown with a busy keep-alive connection', () => {
  const config = testConfig();
  let kafka: Kafka;
  let receiver: ServiceProcess;

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    const port = await freePort();
    const env = serviceEnv(config, { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) });
    receiver = serviceProcess('receiver', uniqueName('receiver'), port, env, path.join(os.tmpdir(), 'metrics-it'));
    await receiver.start();
  });
  afterAll(async () => {
    await receiver?.kill('SIGKILL');
  });

  it('when SIGTERM arrives while a keep-alive request is half sent, then it is answered with Connection: close, its reading is on Kafka and the exit is 0 within the deadline', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sensor = uniqueName('shutdown');
    const body = Buffer.from(JSON.stringify({ temperature: 42 }));
    const readings = await readTopic(kafka, config.kafka.readingsTopic);
    try {
      // the agent's one socket, kept alive, carries the busy request
      const warm = await fetchOn(agent, receiver.port, 'GET', '/health');
      expect(warm.headers.connection).toBe('keep-alive');

      const req = http.request({
        host: '127.0.0.1',
        port: receiver.port,
        method: 'POST',
        path: `/api/v1/sensors/${sensor}/measurements`,
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': body.length, Expect: '100-continue' },
      });
      const answered = answerOf(req);
      // 100 Continue: the receiver has parsed the request's head, so the connection is busy, not idle
      await new Promise<void>((resolve) => req.once('continue', () => resolve()));
      req.write(body.subarray(0, 5));

      const signalled = Date.now();
      receiver.signal('SIGTERM');
      // the rest of the body arrives after the signal
      await new Promise((resolve) => setImmediate(resolve));
      req.end(body.subarray(5));

      const answer = await answered;
      expect(answer.status).toBe(200);
      expect(answer.headers.connection).toBe('close');
      expect(await receiver.exited()).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(SHUTDOWN_TIMEOUT_MS / 2);
      await readings.until(
        (m) => m.some((x) => x.key?.toString() === sensor && readingCodec.decode(x.value).value === 42),
        'the reading of the request answered during shutdown',
      );
    } finally {
      agent.destroy();
      await readings.close();
    }
  });
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
}

function answerOf(req: http.ClientRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    req.once('response', (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.once('error', reject);
  });
}

function fetchOn(agent: http.Agent, port: number, method: string, requestPath: string): Promise<Answer> {
  const req = http.request({ host: '127.0.0.1', port, method, path: requestPath, agent });
  const answered = answerOf(req);
  req.end();
  return answered;
}
