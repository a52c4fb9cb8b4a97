// A PostgreSQL outage under the saver: nothing is lost or dead-lettered, writing resumes by itself.
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { createPool, createProducer } from '../../shared/src';
import { testConfig, uniqueName, waitFor } from '../../test/helpers';
import { kafkaWithTopics, readTopic, silentLogger } from '../../test/kafka';
import { produceReadings, reading } from '../../test/readings';
import { startSaver } from '../../test/services';
import { startTcpProxy, type TcpProxy } from '../../test/tcp-proxy';

describe('saver during a PostgreSQL outage', () => {
  const config = testConfig({ SAVER_BATCH_SIZE: '20', SAVER_FLUSH_MS: '20' });
  let kafka: Kafka;
  let producer: Producer;
  let direct: Pool;
  let proxy: TcpProxy;

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
    direct = createPool(config.postgres, silentLogger);
    const db = new URL(config.postgres.url);
    proxy = await startTcpProxy(db.hostname, Number(db.port || 5432));
  });
  afterAll(async () => {
    await producer?.disconnect();
    await direct?.end();
    await proxy?.close();
  });

  it('when PostgreSQL goes away and comes back, then every reading is stored once and nothing is dead-lettered', async () => {
    const url = new URL(config.postgres.url);
    url.port = String(proxy.port);
    const viaProxy = createPool({ url: url.toString(), poolSize: 2 }, silentLogger, { connectionTimeoutMillis: 500 });
    const saver = await startSaver(config, kafka, { pool: viaProxy });
    const deadLetters = await readTopic(kafka, config.kafka.deadLetterTopic);
    const sensor = uniqueName('outage');
    const count = async () =>
      Number((await direct.query('SELECT count(*) FROM readings WHERE sensor_id = $1', [sensor])).rows[0].count);
    try {
      const before = Array.from({ length: 30 }, (_, i) => reading(sensor, i));
      await produceReadings(producer, config.kafka.readingsTopic, before);
      await waitFor(async () => (await count()) === 30, { what: '30 rows before the outage' });

      await proxy.cut();
      const during = Array.from({ length: 50 }, (_, i) => reading(sensor, 100 + i));
      await produceReadings(producer, config.kafka.readingsTopic, during);
      // The saver has them and is retrying: it failed at least twice while the database was unreachable.
      const retries = async () => (await saver.metrics.writeRetries.get()).values[0]?.value ?? 0;
      await waitFor(async () => (await retries()) >= 2, { what: 'write retries during the outage' });
      expect(await count()).toBe(30);

      await proxy.restore();
      await waitFor(async () => (await count()) === 80, { what: 'all 80 rows after the outage', timeoutMs: 30000 });
      const ids = await direct.query('SELECT id FROM readings WHERE sensor_id = $1', [sensor]);
      expect(new Set(ids.rows.map((r) => r.id))).toEqual(new Set([...before, ...during].map((r) => r.id)));
      expect(deadLetters.messages.filter((m) => m.key?.toString() === sensor)).toHaveLength(0);
    } finally {
      await deadLetters.close();
      await saver.stop();
      await viaProxy.end();
    }
  });
});
