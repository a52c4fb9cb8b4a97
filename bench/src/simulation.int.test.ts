// The simulator's two posters against the real receiver on the real broker: through the client
// library (the default) and raw (the client bench's baseline), each request answered 200 and every
// reading in Kafka; a receiver that is gone is counted as network errors, not thrown.
import type { Kafka, Producer } from 'kafkajs';
import { createProducer, readingCodec } from '../../shared/src';
import { testConfig, uniqueName } from '../../test/helpers';
import { kafkaWithTopics, readTopic, type TopicReader } from '../../test/kafka';
import { type ListeningReceiver, startReceiver } from '../../client/test/receiver-in-process';
import { runSimulation, type SimulationOptions } from './simulation';

describe('simulator against the real receiver', () => {
  const config = testConfig();
  let kafka: Kafka;
  let producer: Producer;
  let receiver: ListeningReceiver;
  let reader: TopicReader;

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
    receiver = await startReceiver(config, producer);
    reader = await readTopic(kafka, config.kafka.readingsTopic);
  });
  afterAll(async () => {
    await reader?.close();
    await receiver?.close();
    await producer?.disconnect();
  });

  const options = (o: Partial<SimulationOptions>): SimulationOptions => ({
    url: receiver.url,
    sensors: 5,
    rate: 500,
    durationS: 0.5,
    metrics: ['temperature'],
    overThreshold: 0.3,
    mode: 'single',
    batchSize: 10,
    concurrency: 4,
    seed: 1,
    ...o,
  });

  it.each([
    ['client', 'single'],
    ['client', 'batch'],
    ['raw', 'batch'],
  ] as const)(
    'when it posts %s in %s mode, then every request is accepted and its readings are in Kafka',
    async (poster, mode) => {
      const prefix = `${uniqueName('sim')}-`;
      const result = await runSimulation(options({ poster, mode, sensorPrefix: prefix }));
      expect(result.errorsByStatus).toEqual({});
      expect(result.readingsAccepted).toBe(result.readingsSent);
      expect(result.readingsAccepted).toBeGreaterThan(0);
      await reader.until(
        (m) =>
          m.map((x) => readingCodec.decode(x.value as Buffer)).filter((r) => r.sensorId.startsWith(prefix)).length ===
          result.readingsAccepted,
        `${result.readingsAccepted} readings`,
      );
    },
  );

  it('when nothing listens, then the requests are counted as network errors', async () => {
    const result = await runSimulation(options({ url: 'http://127.0.0.1:1', durationS: 0.2, rate: 50 }));
    expect(result.readingsAccepted).toBe(0);
    expect(Object.keys(result.errorsByStatus)).toEqual(['network']);
  });
});
