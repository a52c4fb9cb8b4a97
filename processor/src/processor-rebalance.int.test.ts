// A processor stuck retrying Redis while the group rebalances: it must give its partitions up at once
// (heartbeat errors that mean "rebalance" end the batch), not hold the whole group until Redis is back
// or the rebalance timeout throws it out, and the events the rules imply are still raised once.
import Redis from 'ioredis';
import type { Kafka, Producer } from 'kafkajs';
import { createProducer, eventCodec, sensorStateKey } from '../../shared/src';
import { testConfig, uniqueName, waitFor } from '../../test/helpers';
import { kafkaWithTopics, readTopic } from '../../test/kafka';
import { produceReadings, reading } from '../../test/readings';
import { type Running, startProcessor } from '../../test/services';

describe('processor while its group rebalances', () => {
  // a long rebalance timeout: a member that does not rejoin holds the group that long
  const config = testConfig({ KAFKA_REBALANCE_TIMEOUT_MS: '60000', KAFKA_SESSION_TIMEOUT_MS: '10000' });
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

  it('when a processor retrying Redis sees a rebalance, then it rejoins at once, and each event is raised once', async () => {
    // the first processor's Redis never answers (nothing listens on port 1): it retries whatever it owns
    const unreachable = new Redis(1, '127.0.0.1', { maxRetriesPerRequest: 1, retryStrategy: () => 200 });
    unreachable.on('error', () => undefined);
    const direct = new Redis(config.redis.url);
    const admin = kafka.admin();
    await admin.connect();
    const events = await readTopic(kafka, config.kafka.eventsTopic);
    const sensors = [0, 1, 2, 3, 4, 5].map((i) => uniqueName(`rebalance-${i}`));
    const raised = (s: string) =>
      events.messages.map((m) => eventCodec.decode(m.value)).filter((e) => e.sensorId === s);
    const running: Running[] = [];
    const stop = async (r: Running) => {
      running.splice(running.indexOf(r), 1);
      await r.stop();
    };
    try {
      const first = await startProcessor(config, kafka, { redis: unreachable });
      running.push(first);
      for (const s of sensors) {
        await produceReadings(
          producer,
          config.kafka.readingsTopic,
          [99, 99, 99].map((t) => reading(s, t)),
        );
      }
      await waitFor(
        async () => {
          const [group] = (await admin.describeGroups([config.processor.groupId])).groups;
          return group.state === 'Stable' && group.members.length === 1;
        },
        { what: 'the first processor in its group' },
      );

      const joinStarted = Date.now();
      running.push(await startProcessor(config, kafka));
      const joinMs = Date.now() - joinStarted;
      const [group] = (await admin.describeGroups([config.processor.groupId])).groups;
      expect({ state: group.state, members: group.members.length }).toEqual({ state: 'Stable', members: 2 });
      // kafkajs heartbeats every sessionTimeout / 5 = 2 s; a member that only retries rejoins after 60 s
      expect(joinMs).toBeLessThan(15_000);

      // the first one leaves; the second takes every partition and applies what the first never could
      const leaveStarted = Date.now();
      await stop(first);
      expect(Date.now() - leaveStarted).toBeLessThan(15_000);
      for (const s of sensors) await events.until(() => raised(s).length >= 1, `the event of ${s}`, 30_000);
      for (const s of sensors) {
        const key = sensorStateKey(config.redis.keyPrefix, config.kafka.readingsTopic, config.kafka.partitions, s);
        await waitFor(async () => (await direct.hget(key, 'temperature')) === '3', { what: `counter of ${s}` });
      }
      expect(sensors.map((s) => raised(s).length)).toEqual(sensors.map(() => 1));
    } finally {
      for (const r of [...running].reverse()) await r.stop().catch(() => undefined);
      await events.close().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      unreachable.disconnect();
      direct.disconnect();
    }
  }, 120_000);
});
