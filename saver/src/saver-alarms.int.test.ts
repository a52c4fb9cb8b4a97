// The saver's share of the alarms (CONTRACT.md "Alarms") against real Kafka and PostgreSQL: the alarms
// table kept from the alarm transitions, idempotent under replays and out-of-order versions, the first
// acknowledgement kept; operators' commands in the readings topic skipped, never dead-lettered.
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { type AlarmMessage, commandCodec, createPool, createProducer, type SensorCommand } from '../../shared/src';
import { alarm, cleared, produceAlarms } from '../../test/alarms';
import { testConfig, uniqueName, waitFor } from '../../test/helpers';
import { kafkaWithTopics, readTopic, silentLogger } from '../../test/kafka';
import { produceReadings, reading } from '../../test/readings';
import { startSaver } from '../../test/services';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const SEC = 1000;

describe('saver: alarms and commands', () => {
  const config = testConfig({ SAVER_BATCH_SIZE: '50', SAVER_FLUSH_MS: '20' });
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  let saver: Awaited<ReturnType<typeof startSaver>>;

  const row = async (id: string) => (await pool.query('SELECT * FROM alarms WHERE id = $1', [id])).rows[0];
  const fromSaver = (m: KafkaMessage) => m.headers?.['x-consumer-group']?.toString() === config.saver.groupId;

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
    pool = createPool(config.postgres, silentLogger);
    saver = await startSaver(config, kafka);
  });
  afterAll(async () => {
    await saver?.stop();
    await producer?.disconnect();
    await pool?.end();
  });

  it('when transitions arrive twice and out of order, then the row holds the newest version and keeps the first ack', async () => {
    const sensorId = uniqueName('alarm');
    const raised = alarm({ sensorId, raisedAt: T0, at: T0, lastWarningAt: T0 });
    const updated: AlarmMessage = {
      ...raised,
      transition: 'updated',
      events: 2,
      warnings: 7,
      peak: 107,
      lastWarningAt: T0 + 5 * SEC,
      version: 2,
      at: T0 + 5 * SEC,
    };
    // an ack as the assessor sends it: the alarm as its row was, plus the acknowledgement
    const ack = (by: string, at: number, comment: string): AlarmMessage => ({
      ...updated,
      transition: 'acknowledged',
      acknowledged: true,
      acknowledgedAt: at,
      acknowledgedBy: by,
      comment,
      at,
    });
    // the processor knows nothing of acks: its later transitions say "not acknowledged"
    const later: AlarmMessage = { ...updated, events: 3, warnings: 9, version: 3, at: T0 + 9 * SEC };
    const done = cleared(later, T0 + 20 * SEC, { clearedBy: 'ops', comment: 'replaced the fan' });
    // a second alarm of the sensor in the same batches, cleared by its rule without a comment
    const other = alarm({ sensorId, rule: 'humidity', metric: 'humidity', type: 'HUMIDITY_EXCEEDED', raisedAt: T0 });
    const marker = alarm({ sensorId, rule: 'marker' });

    await produceAlarms(producer, config.kafka.alarmsTopic, [updated, raised, other, updated, raised]);
    await waitFor(async () => (await row(raised.id))?.version === '2', { what: 'version 2 stored' });
    await produceAlarms(producer, config.kafka.alarmsTopic, [
      ack('ann', T0 + 6 * SEC, 'seen'),
      later,
      ack('bob', T0 + 7 * SEC, 'me too'),
      raised,
      done,
      cleared(other, T0 + 30 * SEC),
      // the whole history replayed
      raised,
      updated,
      ack('bob', T0 + 8 * SEC, 'again'),
      later,
      marker,
    ]);
    // one partition (one sensor): once the marker is stored, everything before it was applied
    await waitFor(async () => (await row(marker.id)) !== undefined, { what: 'the marker stored' });

    expect(await row(raised.id)).toMatchObject({
      sensor_id: sensorId,
      rule: 'temperature',
      status: 'cleared',
      value: 99,
      peak: 107,
      events: 3,
      warnings: 9,
      last_warning_at: new Date(T0 + 5 * SEC),
      cleared_at: new Date(T0 + 20 * SEC),
      cleared_by: 'ops',
      acknowledged_at: new Date(T0 + 6 * SEC),
      acknowledged_by: 'ann',
      // the clear's comment when it had one, else the first ack's
      comment: 'replaced the fan',
      version: '4',
    });
    expect(await row(other.id)).toMatchObject({
      status: 'cleared',
      cleared_by: 'rule',
      acknowledged_at: null,
      acknowledged_by: null,
      comment: null,
      version: '2',
    });
  });

  it('when an alarm is acknowledged with a comment and cleared by its rule, then the ack comment stays', async () => {
    const raised = alarm({ sensorId: uniqueName('ackc') });
    await produceAlarms(producer, config.kafka.alarmsTopic, [
      raised,
      {
        ...raised,
        transition: 'acknowledged',
        acknowledged: true,
        acknowledgedAt: T0 + SEC,
        acknowledgedBy: 'ann',
        comment: 'on it',
      },
      cleared(raised, T0 + 2 * SEC),
    ]);
    await waitFor(async () => (await row(raised.id))?.status === 'cleared', { what: 'cleared' });
    expect(await row(raised.id)).toMatchObject({ acknowledged_by: 'ann', comment: 'on it', cleared_by: 'rule' });
  });

  it('when an alarm transition cannot be decoded, then it is dead-lettered and the transitions after it are stored', async () => {
    const deadLetters = await readTopic(kafka, config.kafka.deadLetterTopic);
    try {
      const sensorId = uniqueName('alarm-poison');
      await producer.send({
        topic: config.kafka.alarmsTopic,
        acks: -1,
        messages: [{ key: sensorId, value: Buffer.from('not avro') }],
      });
      const after = alarm({ sensorId });
      await produceAlarms(producer, config.kafka.alarmsTopic, [alarm({ sensorId, status: 'open' as 'active' }), after]);
      await waitFor(async () => (await row(after.id)) !== undefined, { what: 'the transition after the poison' });
      await deadLetters.until(
        (m) => m.filter((x) => fromSaver(x) && x.key?.toString() === sensorId).length === 2,
        'both dead-lettered by the saver',
      );
      const origins = deadLetters.messages
        .filter((x) => fromSaver(x) && x.key?.toString() === sensorId)
        .map((x) => x.headers?.['x-origin-topic']?.toString());
      expect(origins).toEqual([config.kafka.alarmsTopic, config.kafka.alarmsTopic]);
    } finally {
      await deadLetters.close();
    }
  });

  it('when a command is in the readings topic, then it is skipped: not stored, not dead-lettered, counted', async () => {
    const deadLetters = await readTopic(kafka, config.kafka.deadLetterTopic);
    try {
      const sensorId = uniqueName('command');
      const command: SensorCommand = {
        id: randomUUID(),
        kind: 'clear_alarm',
        sensorId,
        rule: 'temperature',
        alarmId: randomUUID(),
        by: 'ops',
        comment: null,
        at: T0,
      };
      const skippedBefore = (await saver.metrics.commandsSkipped.get()).values[0]?.value ?? 0;
      await producer.send({
        topic: config.kafka.readingsTopic,
        acks: -1,
        messages: [{ key: sensorId, value: commandCodec.encode(command) }],
      });
      const after = reading(sensorId, 5);
      await produceReadings(producer, config.kafka.readingsTopic, [after]);
      // poison after the command, in its partition: once it is dead-lettered, the command was handled
      await producer.send({
        topic: config.kafka.readingsTopic,
        acks: -1,
        messages: [{ key: sensorId, value: Buffer.from([0, 0, 0, 0, 77, 1]) }],
      });
      await deadLetters.until(
        (m) => m.some((x) => fromSaver(x) && x.key?.toString() === sensorId),
        'the poison after the command dead-lettered',
      );
      const dead = deadLetters.messages.filter((x) => fromSaver(x) && x.key?.toString() === sensorId);
      expect(dead.map((x) => x.headers?.['x-error']?.toString())).toEqual([expect.stringMatching(/schema id 77/)]);
      const stored = await pool.query('SELECT id FROM readings WHERE sensor_id = $1', [sensorId]);
      expect(stored.rows).toEqual([{ id: after.id }]);
      expect((await saver.metrics.commandsSkipped.get()).values[0]?.value).toBe(skippedBefore + 1);
    } finally {
      await deadLetters.close();
    }
  });
});
