// The saver against real Kafka and PostgreSQL: rows stored once however often they are delivered,
// rollups that agree with the raw rows, poison messages (undecodable, or decodable but invalid)
// dead-lettered.
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { createPool, createProducer, eventCodec, type SensorEvent } from '../../shared/src';
import { testConfig, uniqueName, waitFor } from '../../test/helpers';
import { kafkaWithTopics, readTopic, silentLogger } from '../../test/kafka';
import { produceReadings, reading } from '../../test/readings';
import { startSaver } from '../../test/services';

describe('saver with real Kafka and PostgreSQL', () => {
  const config = testConfig({ SAVER_BATCH_SIZE: '50', SAVER_FLUSH_MS: '20' });
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  const count = async (sql: string, params: unknown[]) => Number((await pool.query(sql, params)).rows[0].count);

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
    pool = createPool(config.postgres, silentLogger);
  });
  afterAll(async () => {
    await producer?.disconnect();
    await pool?.end();
  });

  it('when readings and events arrive, and arrive again, then each is stored once and the rollups count it once', async () => {
    const saver = await startSaver(config, kafka);
    try {
      const sensor = uniqueName('save');
      const minute = Date.parse('2026-11-22T10:00:00Z');
      const readings = Array.from({ length: 120 }, (_, i) => reading(sensor, i, 'temperature', minute + i * 1000));
      const event: SensorEvent = {
        id: readings[3].id,
        sensorId: sensor,
        metric: 'temperature',
        type: 'TEMPERATURE_EXCEEDED',
        value: 3,
        at: readings[3].at,
        threshold: 95,
        rule: 'temperature >= 95',
        warningsForEvent: 3,
        readingId: readings[3].id,
      };
      const sendEvent = () =>
        producer.send({
          topic: config.kafka.eventsTopic,
          acks: -1,
          messages: [{ key: sensor, value: eventCodec.encode(event) }],
        });
      await produceReadings(producer, config.kafka.readingsTopic, readings);
      await sendEvent();
      // the same rows delivered a second time (a producer or consumer replay)
      await produceReadings(producer, config.kafka.readingsTopic, readings.slice(0, 60));
      await sendEvent();
      const marker = reading(sensor, -1, 'marker');
      await produceReadings(producer, config.kafka.readingsTopic, [marker]);

      await waitFor(async () => (await count('SELECT count(*) FROM readings WHERE id = $1', [marker.id])) === 1, {
        what: 'marker stored',
      });
      await waitFor(async () => (await count('SELECT count(*) FROM events WHERE sensor_id = $1', [sensor])) === 1, {
        what: 'event stored',
      });
      expect(
        await count("SELECT count(*) FROM readings WHERE sensor_id = $1 AND metric = 'temperature'", [sensor]),
      ).toBe(120);

      const stored = await pool.query('SELECT id, value, at, received_at FROM readings WHERE id = $1', [
        readings[7].id,
      ]);
      expect(stored.rows[0]).toEqual({
        id: readings[7].id,
        value: 7,
        at: new Date(readings[7].at),
        received_at: new Date(readings[7].receivedAt),
      });
      const rollup = await pool.query(
        "SELECT minute, count::int, sum, min, max FROM readings_minute WHERE sensor_id = $1 AND metric = 'temperature' ORDER BY minute",
        [sensor],
      );
      expect(rollup.rows).toEqual([
        { minute: new Date(minute), count: 60, sum: (59 * 60) / 2, min: 0, max: 59 },
        { minute: new Date(minute + 60_000), count: 60, sum: (60 + 119) * 30, min: 60, max: 119 },
      ]);
      const summary = await pool.query(
        "SELECT count::int, last_value, last_at FROM sensor_metrics WHERE sensor_id = $1 AND metric = 'temperature'",
        [sensor],
      );
      expect(summary.rows).toEqual([{ count: 120, last_value: 119, last_at: new Date(readings[119].at) }]);
      const storedEvent = await pool.query(
        'SELECT id, type, value, threshold, rule, reading_id FROM events WHERE sensor_id = $1',
        [sensor],
      );
      expect(storedEvent.rows).toEqual([
        {
          id: event.id,
          type: 'TEMPERATURE_EXCEEDED',
          value: 3,
          threshold: 95,
          rule: 'temperature >= 95',
          reading_id: event.id,
        },
      ]);
    } finally {
      await saver.stop();
    }
  });

  it('when a value cannot be decoded, then it is dead-lettered and the rows after it are still stored', async () => {
    const saver = await startSaver(config, kafka);
    const deadLetters = await readTopic(kafka, config.kafka.deadLetterTopic);
    try {
      const sensor = uniqueName('poison');
      await producer.send({
        topic: config.kafka.readingsTopic,
        acks: -1,
        messages: [{ key: sensor, value: Buffer.from([0, 0, 0, 0, 77, 1]) }],
      });
      const after = reading(sensor, 5);
      await produceReadings(producer, config.kafka.readingsTopic, [after]);
      await waitFor(async () => (await count('SELECT count(*) FROM readings WHERE id = $1', [after.id])) === 1, {
        what: 'row after poison',
      });
      await deadLetters.until(
        (m) =>
          m.some(
            (x) => x.key?.toString() === sensor && x.headers?.['x-consumer-group']?.toString() === config.saver.groupId,
          ),
        'dead letter from the saver',
      );
      const dead = deadLetters.messages.find((x) => x.key?.toString() === sensor)!;
      expect(dead.headers?.['x-error']?.toString()).toMatch(/unknown schema id 77/);
    } finally {
      await deadLetters.close();
      await saver.stop();
    }
  });

  it("when a reading decodes but breaks the receiver's rules, or an event has a NUL in a text, then each is dead-lettered and the rows after them are stored", async () => {
    const saver = await startSaver(config, kafka);
    const deadLetters = await readTopic(kafka, config.kafka.deadLetterTopic);
    try {
      const sensor = uniqueName('invalid');
      // Avro-valid, but no receiver accepts a '/' in a sensor id; the processor must not count it either
      const badReading = reading(`${sensor}/x`, 1);
      const badEvent: SensorEvent = {
        id: uniqueName('event'),
        sensorId: sensor,
        metric: 'temperature',
        type: 'TEMPERATURE_EXCEEDED',
        value: 99,
        at: Date.parse('2026-11-22T10:00:00Z'),
        threshold: 95,
        // PostgreSQL refuses a NUL in text (22021): retried, this would stall the partition for ever
        rule: 'temperature >= 95\u0000',
        warningsForEvent: 3,
        readingId: 'r-1',
      };
      const goodEvent: SensorEvent = { ...badEvent, id: uniqueName('event'), rule: 'temperature >= 95' };
      await produceReadings(producer, config.kafka.readingsTopic, [badReading]);
      await producer.send({
        topic: config.kafka.eventsTopic,
        acks: -1,
        messages: [badEvent, goodEvent].map((e) => ({ key: sensor, value: eventCodec.encode(e) })),
      });
      const after = reading(sensor, 5);
      await produceReadings(producer, config.kafka.readingsTopic, [after]);

      await waitFor(async () => (await count('SELECT count(*) FROM readings WHERE id = $1', [after.id])) === 1, {
        what: 'the reading after the invalid one',
      });
      await waitFor(async () => (await count('SELECT count(*) FROM events WHERE id = $1', [goodEvent.id])) === 1, {
        what: 'the event after the one with a NUL',
      });
      expect(await count('SELECT count(*) FROM readings WHERE id = $1', [badReading.id])).toBe(0);
      expect(await count('SELECT count(*) FROM events WHERE id = $1', [badEvent.id])).toBe(0);
      const fromSaver = (m: KafkaMessage) => m.headers?.['x-consumer-group']?.toString() === config.saver.groupId;
      await deadLetters.until(
        (m) => m.filter((x) => fromSaver(x) && x.key?.toString().startsWith(sensor)).length === 2,
        'both dead-lettered by the saver',
      );
      const errors = deadLetters.messages
        .filter((x) => fromSaver(x) && x.key?.toString().startsWith(sensor))
        .map((x) => [x.headers?.['x-origin-topic']?.toString(), x.headers?.['x-error']?.toString()]);
      expect(errors).toEqual(
        expect.arrayContaining([
          [config.kafka.readingsTopic, expect.stringMatching(/sensorId/)],
          [config.kafka.eventsTopic, expect.stringMatching(/rule/)],
        ]),
      );
      // dead-lettered, not a write PostgreSQL refused and the saver retried
      expect((await saver.metrics.writeRetries.get()).values[0]?.value ?? 0).toBe(0);
    } finally {
      await deadLetters.close();
      await saver.stop();
    }
  });
});
