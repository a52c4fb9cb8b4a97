// The processor and the saver agree on what a valid reading is (both decode with decodeReading): a
// reading that is valid Avro but that no receiver would accept is dead-lettered by both, neither
// counted by one nor stored by the other, and the readings after it in its partition go on.
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { testConfig, uniqueName, waitFor } from '../../test/helpers';
import { kafkaWithTopics, readTopic, silentLogger, type TopicReader } from '../../test/kafka';
import { reading } from '../../test/readings';
import { type Running, startProcessor, startSaver } from '../../test/services';
import { eventCodec, type Reading, readingCodec } from './codec';
import { createPool } from './db/pool';
import { createProducer } from './kafka';

describe('processor and saver on a reading that decodes but is invalid', () => {
  const config = testConfig();
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  let events: TopicReader;
  let deadLetters: TopicReader;
  const running: Running[] = [];

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
    pool = createPool(config.postgres, silentLogger);
    events = await readTopic(kafka, config.kafka.eventsTopic);
    deadLetters = await readTopic(kafka, config.kafka.deadLetterTopic);
    running.push(await startProcessor(config, kafka), await startSaver(config, kafka, { pool }));
  });
  afterAll(async () => {
    for (const r of running) await r.stop();
    await events?.close();
    await deadLetters?.close();
    await producer?.disconnect();
    await pool?.end();
  });

  it('when three warnings carry a sensor id no receiver accepts, then both dead-letter them and only the valid sensor after them raises an event and is stored', async () => {
    const sensor = uniqueName('valid');
    // '/' is not in the sensor-id set; the same key puts both sensors' readings in one partition, in order
    const invalid = [99, 99, 99].map((t) => reading(`${sensor}/x`, t));
    const valid = [99, 99, 99].map((t) => reading(sensor, t));
    const send = (readings: Reading[]) =>
      producer.send({
        topic: config.kafka.readingsTopic,
        acks: -1,
        messages: readings.map((r) => ({ key: sensor, value: readingCodec.encode(r) })),
      });
    await send(invalid);
    await send(valid);

    const eventsOf = (id: string) =>
      events.messages.map((m) => eventCodec.decode(m.value)).filter((e) => e.sensorId === id);
    await events.until(() => eventsOf(sensor).length === 1, 'the valid sensor raises its event');
    const stored = async (id: string) =>
      Number((await pool.query('SELECT count(*) FROM readings WHERE sensor_id = $1', [id])).rows[0].count);
    await waitFor(async () => (await stored(sensor)) === 3, { what: 'the valid readings stored' });

    const deadBy = (group: string) =>
      deadLetters.messages.filter(
        (m) => m.key?.toString() === sensor && m.headers?.['x-consumer-group']?.toString() === group,
      );
    await deadLetters.until(
      () => deadBy(config.processor.groupId).length === 3 && deadBy(config.saver.groupId).length === 3,
      'three dead letters from each consumer',
    );
    for (const group of [config.processor.groupId, config.saver.groupId]) {
      expect(deadBy(group).map((m) => m.headers?.['x-error']?.toString())).toEqual(
        Array(3).fill(expect.stringMatching(/sensorId/)),
      );
    }
    expect(eventsOf(`${sensor}/x`)).toEqual([]);
    expect(await stored(`${sensor}/x`)).toBe(0);
  });
});
