// The receiver against the real broker: what a 200 promises is on the readings topic, keyed by sensor.
import type { Kafka, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import request from 'supertest';
import { type Config, createKafka, createProducer, readingCodec } from '../../shared/src';
import { testConfig, uniqueName } from '../../test/helpers';
import { kafkaWithTopics, readTopic, silentLogger } from '../../test/kafka';
import { createApp } from './app';
import { createKafkaPublisher } from './kafka-publisher';
import { createReceiverMetrics } from './receiver-metrics';

function receiverApp(config: Config, producer: Producer, timeoutMs = config.receiver.produceTimeoutMs) {
  const registry = new Registry();
  const metrics = createReceiverMetrics(registry, () => 0);
  const publisher = createKafkaPublisher({
    producer,
    topic: config.kafka.readingsTopic,
    lingerMs: config.receiver.lingerMs,
    maxBatch: config.receiver.produceBatchMax,
    maxInFlight: config.receiver.maxInFlightReadings,
    timeoutMs,
    metrics,
  });
  return createApp({
    config: config.receiver,
    publish: (r) => publisher.publishReadings(r),
    checks: {},
    registry,
    metrics,
    logger: silentLogger,
  });
}

describe('receiver with a real Kafka broker', () => {
  const config = testConfig();
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
  });

  it('when concurrent requests are answered 200, then every reading is on the topic, keyed by sensor, in order per sensor', async () => {
    const app = receiverApp(config, producer);
    const sensors = [uniqueName('s'), uniqueName('s'), uniqueName('s')];
    const sent = sensors.flatMap((sensorId) => Array.from({ length: 20 }, (_, i) => ({ sensorId, value: i })));
    // one sensor's requests in sequence, sensors concurrently
    await Promise.all(
      sensors.map(async (sensorId) => {
        for (const { value } of sent.filter((s) => s.sensorId === sensorId)) {
          const res = await request(app)
            .post(`/api/v1/sensors/${sensorId}/measurements`)
            .set('Content-Type', 'application/json')
            .send({ temperature: value });
          expect(res.status).toBe(200);
        }
      }),
    );
    const batch = await request(app)
      .post('/api/v1/measurements')
      .send(sensors.map((sensorId) => ({ sensorId, humidity: 50, at: '2026-11-22T10:00:00Z' })));
    expect(batch.body).toEqual({ result: true, response: { accepted: 3 } });

    const reader = await readTopic(kafka, config.kafka.readingsTopic);
    try {
      await reader.until((m) => m.length >= sent.length + 3, `${sent.length + 3} readings`);
      const decoded = reader.messages.map((m) => ({
        key: m.key?.toString(),
        partition: m.partition,
        reading: readingCodec.decode(m.value),
      }));
      expect(decoded).toHaveLength(sent.length + 3);
      for (const sensorId of sensors) {
        const mine = decoded.filter((d) => d.reading.sensorId === sensorId);
        expect(new Set(mine.map((d) => d.key))).toEqual(new Set([sensorId]));
        expect(new Set(mine.map((d) => d.partition)).size).toBe(1);
        expect(mine.filter((d) => d.reading.metric === 'temperature').map((d) => d.reading.value)).toEqual(
          Array.from({ length: 20 }, (_, i) => i),
        );
        expect(mine.find((d) => d.reading.metric === 'humidity')?.reading.at).toBe(Date.parse('2026-11-22T10:00:00Z'));
      }
      expect(new Set(decoded.map((d) => d.reading.id)).size).toBe(decoded.length);
    } finally {
      await reader.close();
    }
  });

  it('when Kafka does not answer, then the request gets 503 with Retry-After within the produce timeout', async () => {
    const unreachable = createKafka(
      { ...config.kafka, brokers: ['127.0.0.1:1'], connectionTimeoutMs: 200 },
      'test',
      silentLogger,
    );
    const deadProducer = createProducer(unreachable);
    const app = receiverApp(config, deadProducer, 1500);
    const res = await request(app).post('/api/v1/sensors/s/measurements').send({ temperature: 1 });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.body.result).toBe(false);
    await deadProducer.disconnect().catch(() => undefined);
  });
});
