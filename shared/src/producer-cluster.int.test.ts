// A send that kafkajs resolves is on the brokers, also when a broker dies under it. kafkajs 2.2.4's
// sendMessages keeps, across the retries of one send, the brokers that already answered; when a dead
// broker's partitions move to one of those, the retry skips them and the send resolves without ever
// writing them (the CI run of the cluster fault suite lost 22 accepted readings that way). This
// sends batches spanning every partition on the local 3-broker cluster, SIGKILLs a broker while
// they run, and then reads the topic back: every message of a resolved send must be in it.
import type { Kafka, Producer } from 'kafkajs';
import { type Config, createProducer } from '.';
import { testConfig, waitFor } from '../../test/helpers';
import { kafkaWithTopics } from '../../test/kafka';
import { CLUSTER_START_TIMEOUT_MS, type LocalKafkaCluster, localKafkaCluster } from '../../test/kafka-cluster';
import { createTopicReader } from '../../tester/src/topic-reader';

const KEYS = Array.from({ length: 48 }, (_, i) => `key-${i}`);

describe('the pipeline producer on a 3-broker cluster', () => {
  let cluster: LocalKafkaCluster;
  let config: Config;
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    cluster = await localKafkaCluster();
    config = testConfig({ KAFKA_BROKERS: cluster.brokers, KAFKA_PARTITIONS: '12', KAFKA_REPLICATION_FACTOR: '3' });
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
  }, CLUSTER_START_TIMEOUT_MS);

  afterAll(async () => {
    await cluster?.startAll();
    await producer?.disconnect();
  }, CLUSTER_START_TIMEOUT_MS);

  it(
    'when a broker is SIGKILLed while sends span every partition, then every message of a send that resolved is in the topic',
    async () => {
      const topic = config.kafka.readingsTopic;
      const acked = new Set<string>();
      let sent = 0;
      let failedSends = 0;
      let stop = false;
      let resolvedAfterKill = 0;
      let killed = false;
      const loop = (async () => {
        while (!stop) {
          const batch = KEYS.map((key) => ({ key, value: Buffer.from(`${key}/${sent++}`) }));
          try {
            await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: batch }] });
            for (const m of batch) acked.add(m.value.toString());
            if (killed) resolvedAfterKill++;
          } catch {
            failedSends++;
          }
        }
      })();
      await waitFor(async () => acked.size > KEYS.length * 20 || undefined, {
        what: 'sends before the kill',
        timeoutMs: 30_000,
      });
      await cluster.killNode(2);
      killed = true;
      // the dead broker's partitions move once the controller fences it (its session, a few seconds);
      // sends go on until some resolve on the new leaders
      await waitFor(async () => resolvedAfterKill > 20 || undefined, {
        what: 'sends resolved after the kill',
        timeoutMs: 90_000,
        intervalMs: 200,
      });
      stop = true;
      await loop;
      await cluster.startAll();

      const reader = createTopicReader(kafka, topic, (v) => v?.toString() ?? '', config.kafka.brokers);
      const read = await reader.collect({ keys: KEYS, until: () => true, timeoutMs: 60_000 });
      expect(read.caughtUp).toBe(true);
      const inTopic = new Set([...read.byKey.values()].flat());
      const lost = [...acked].filter((v) => !inTopic.has(v));
      expect({ acked: acked.size > 0, failedSends, lost: lost.slice(0, 10), lostCount: lost.length }).toEqual({
        acked: true,
        failedSends: 0,
        lost: [],
        lostCount: 0,
      });
    },
    CLUSTER_START_TIMEOUT_MS,
  );
});
