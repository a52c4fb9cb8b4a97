// The log saver writes a batch while it fetches the next (log-saver.ts): its commits must never pass a
// line not written yet. Lines are produced to known partitions of a fresh topic, so a line's id says
// its partition and offset. A saver process SIGKILLed with writes in flight must have committed, per
// partition, only offsets whose lines are all stored; the next saver of the group stores the rest, once.
import os from 'node:os';
import path from 'node:path';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { freePort, serviceEnv, serviceProcess } from '../../bench/src/service-process';
import type { Pool } from 'pg';
import { createPool, type LogLine, logCodec } from '../../shared/src';
import { testConfig, uniqueName, waitFor } from '../../test/helpers';
import { kafkaWithTopics, silentLogger } from '../../test/kafka';
import { logsGroupId } from './log-saver';

const PER_PARTITION = 20_000;

describe('log saver with writes in flight', () => {
  // small writes, so that many are in flight at once
  const config = testConfig({ SAVER_BATCH_SIZE: '300' });
  const partitions = config.kafka.partitions;
  const total = PER_PARTITION * partitions;
  const run = uniqueName('pipe');
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  let pool: Pool;

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    producer = kafka.producer();
    await producer.connect();
    admin = kafka.admin();
    await admin.connect();
    pool = createPool(config.postgres, silentLogger);
  });
  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await pool?.end();
  });

  const stored = async () =>
    Number((await pool.query('SELECT count(*) FROM logs WHERE sensor_id LIKE $1', [`${run}-%`])).rows[0].count);
  const committed = async () => {
    const [topic] = await admin.fetchOffsets({
      groupId: logsGroupId(config.saver.groupId),
      topics: [config.kafka.logsTopic],
    });
    return new Map(topic.partitions.map((p) => [p.partition, Number(p.offset)]));
  };

  it('when a saver is killed with writes in flight, then it had committed only written lines, and the next one stores the rest once', async () => {
    // the topic is new: line i of partition p is at offset i
    for (let p = 0; p < partitions; p++) {
      for (let from = 0; from < PER_PARTITION; from += 1000) {
        const messages = Array.from({ length: 1000 }, (_, k) => {
          const line: LogLine = {
            id: `${run}-p${p}-${from + k}`,
            sensorId: `${run}-${p}`,
            level: 'info',
            source: null,
            message: `line ${from + k} of partition ${p}`,
            at: Date.now(),
            receivedAt: Date.now(),
          };
          return { partition: p, key: line.sensorId, value: logCodec.encode(line) };
        });
        await producer.send({ topic: config.kafka.logsTopic, messages });
      }
    }

    const env = serviceEnv(config, { SAVER_BATCH_SIZE: String(config.saver.batchSize) });
    const logDir = path.join(os.tmpdir(), 'metrics-it');
    const first = serviceProcess('saver', uniqueName('saver'), await freePort(), env, logDir);
    await first.start();
    // killed once it has committed something: from then on, commits and writes are both under way
    await waitFor(async () => [...(await committed()).values()].some((offset) => offset > 0), {
      what: 'a first commit',
      timeoutMs: 30_000,
      intervalMs: 10,
    });
    await first.kill('SIGKILL');
    const storedAtStop = await stored();
    const afterFirst = await committed();
    for (let p = 0; p < partitions; p++) {
      const offset = afterFirst.get(p) ?? -1;
      if (offset <= 0) continue;
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM logs WHERE sensor_id = $1 AND id = ANY($2)', [
        `${run}-${p}`,
        Array.from({ length: offset }, (_, i) => `${run}-p${p}-${i}`),
      ]);
      expect({ partition: p, committed: offset, storedBelow: rows[0].n }).toEqual({
        partition: p,
        committed: offset,
        storedBelow: offset,
      });
    }

    const second = serviceProcess('saver', uniqueName('saver'), await freePort(), env, logDir);
    await second.start();
    try {
      await waitFor(
        async () => {
          const offsets = await committed();
          return Array.from({ length: partitions }, (_, p) => offsets.get(p)).every((o) => o === PER_PARTITION);
        },
        { what: 'every partition committed to its end', timeoutMs: 60_000, intervalMs: 100 },
      );
    } finally {
      expect(await second.stop()).toBe(0);
    }
    const { rows } = await pool.query(
      'SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM logs WHERE sensor_id LIKE $1',
      [`${run}-%`],
    );
    expect(rows[0]).toEqual({ n: total, ids: total });
    // the kill came before the end and after commits, else the check of the commits proved little
    expect(storedAtStop).toBeLessThan(total);
    expect([...afterFirst.values()].some((offset) => offset > 0)).toBe(true);
    process.stdout.write(
      `log saver killed with ${storedAtStop} of ${total} lines stored; committed ${JSON.stringify([...afterFirst])}\n`,
    );
  }, 120_000);
});
