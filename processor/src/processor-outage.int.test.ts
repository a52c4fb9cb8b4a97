// A Redis outage under the processor: it retries the batch in hand, reconnects by itself, and the
// events the rules imply are raised exactly once when Redis is back.
import Redis from 'ioredis';
import type { Kafka, Producer } from 'kafkajs';
import { createProducer, eventCodec, sensorStateKey } from '../../shared/src';
import { testConfig, uniqueName, waitFor } from '../../test/helpers';
import { kafkaWithTopics, readTopic } from '../../test/kafka';
import { produceReadings, reading } from '../../test/readings';
import { startProcessor } from '../../test/services';
import { startTcpProxy, type TcpProxy } from '../../test/tcp-proxy';

describe('processor during a Redis outage', () => {
  const config = testConfig();
  let kafka: Kafka;
  let producer: Producer;
  let proxy: TcpProxy;

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
    const redisUrl = new URL(config.redis.url);
    proxy = await startTcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
  });
  afterAll(async () => {
    await producer?.disconnect();
    await proxy?.close();
  });

  it('when Redis goes away and comes back, then the processor reconnects and raises each implied event once', async () => {
    const viaProxy = new Redis(proxy.port, '127.0.0.1', {
      keyPrefix: undefined,
      maxRetriesPerRequest: 1,
      retryStrategy: () => 100,
    });
    const direct = new Redis(config.redis.url);
    const processor = await startProcessor(config, kafka, { redis: viaProxy });
    const events = await readTopic(kafka, config.kafka.eventsTopic);
    const sensor = uniqueName('redis-outage');
    const raised = () => events.messages.map((m) => eventCodec.decode(m.value)).filter((e) => e.sensorId === sensor);
    try {
      await produceReadings(
        producer,
        config.kafka.readingsTopic,
        [100, 100, 100].map((t) => reading(sensor, t)),
      );
      await events.until(() => raised().length === 1, 'the first event');

      await proxy.cut();
      // a normal reading (reset) then a new run of three warnings, while Redis is unreachable
      const during = [10, 101, 102, 103].map((t) => reading(sensor, t));
      await produceReadings(producer, config.kafka.readingsTopic, during);
      await waitFor(() => viaProxy.status !== 'ready', { what: 'the processor to lose Redis' });
      expect(raised()).toHaveLength(1);

      await proxy.restore();
      await events.until(() => raised().length >= 2, 'the event of the run during the outage', 30000);
      expect(raised().map((e) => e.value)).toEqual([100, 103]);
      expect(raised()[1].readingId).toBe(during[3].id);
      const key = sensorStateKey(config.redis.keyPrefix, config.kafka.readingsTopic, config.kafka.partitions, sensor);
      expect(await direct.hget(key, 'temperature')).toBe('3');
    } finally {
      await events.close();
      await processor.stop();
      viaProxy.disconnect();
      direct.disconnect();
    }
  });
});
