// The real saver process (dist/, `npm run build` first) started while Kafka does not answer, for longer
// than kafkajs' own connection retries last: it waits, and once Kafka answers it starts and stores.
// Kafka's absence is a TCP proxy in front of the broker, closed until the saver has said it is
// retrying; the broker the other tests use is not touched.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { freePort, type ServiceProcess, serviceEnv, serviceProcess } from '../../bench/src/service-process';
import { createPool, createProducer } from '../../shared/src';
import { testConfig, uniqueName, waitFor } from '../../test/helpers';
import { kafkaWithTopics, silentLogger } from '../../test/kafka';
import { produceReadings, reading } from '../../test/readings';
import { startTcpProxy, type TcpProxy } from '../../test/tcp-proxy';

describe('saver started while Kafka is away', () => {
  const config = testConfig();
  let proxy: TcpProxy;
  let saver: ServiceProcess;
  let producer: Producer;
  let pool: Pool;

  beforeAll(async () => {
    const kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
    pool = createPool(config.postgres, silentLogger);
    const [host, port] = config.kafka.brokers[0].split(':');
    proxy = await startTcpProxy(host, Number(port));
    await proxy.cut();
  });
  afterAll(async () => {
    await saver?.kill('SIGKILL');
    await proxy?.close();
    await producer?.disconnect();
    await pool?.end();
  });

  it('when Kafka does not answer for longer than kafkajs retries, then the saver waits and, once Kafka answers, starts and stores readings', async () => {
    // only the bootstrap goes through the proxy: the metadata then names the broker itself
    const env = serviceEnv(config, { KAFKA_BROKERS: `127.0.0.1:${proxy.port}` });
    saver = serviceProcess('saver', uniqueName('saver'), await freePort(), env, path.join(os.tmpdir(), 'metrics-it'));
    const started = saver.start();
    // our retry's warning comes after kafkajs has given up once (about 20 s): the point where the old
    // start failed and the process exited 1 (start() then rejects, which fails the race)
    await Promise.race([
      started.then(() => {
        throw new Error('the saver answered /health although Kafka never answered');
      }),
      waitFor(() => readFileSync(saver.logFile, 'utf8').includes('Kafka unavailable; retrying'), {
        what: "the saver's 'Kafka unavailable; retrying'",
        timeoutMs: 50_000,
        intervalMs: 200,
      }),
    ]);
    await proxy.restore();
    await started;

    const sensor = uniqueName('late');
    await produceReadings(producer, config.kafka.readingsTopic, [reading(sensor, 21)]);
    await waitFor(
      async () => (await pool.query('SELECT 1 FROM readings WHERE sensor_id = $1', [sensor])).rowCount === 1,
      { what: 'the reading stored by the late saver', timeoutMs: 30_000 },
    );
    expect(await saver.stop()).toBe(0);
  }, 120_000);
});
