// The receiver on the local 3-broker cluster (replication 3, min.insync.replicas 2): a 200 means a
// reading is on at least two brokers, so with one broker down requests are still answered 200, and
// with two down (one copy possible) they are answered 503 within the produce timeout, never 200.
import type { Kafka, Producer } from 'kafkajs';
import { type ListeningReceiver, startReceiver } from '../../client/test/receiver-in-process';
import { type Config, createProducer } from '../../shared/src';
import { testConfig } from '../../test/helpers';
import { kafkaWithTopics } from '../../test/kafka';
import { CLUSTER_START_TIMEOUT_MS, type LocalKafkaCluster, localKafkaCluster } from '../../test/kafka-cluster';

const PRODUCE_TIMEOUT_MS = 3000;

async function post(url: string, sensorId: string): Promise<{ status: number; retryAfter: string | null; ms: number }> {
  const started = Date.now();
  const res = await fetch(`${url}/api/v1/sensors/${sensorId}/measurements`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ temperature: 20 }),
  });
  await res.arrayBuffer();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), ms: Date.now() - started };
}

describe('receiver on a 3-broker cluster', () => {
  let cluster: LocalKafkaCluster;
  let config: Config;
  let kafka: Kafka;
  let producer: Producer;
  let receiver: ListeningReceiver;

  beforeAll(async () => {
    cluster = await localKafkaCluster();
    config = testConfig({ KAFKA_BROKERS: cluster.brokers, RECEIVER_PRODUCE_TIMEOUT_MS: String(PRODUCE_TIMEOUT_MS) });
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
    receiver = await startReceiver(config, producer);
  }, CLUSTER_START_TIMEOUT_MS);

  afterAll(async () => {
    // the brokers first: the producer's pending sends finish, so that it disconnects at once
    await cluster?.startAll();
    await receiver?.close();
    await producer?.disconnect();
  }, CLUSTER_START_TIMEOUT_MS);

  it('when every broker runs, then a request is answered 200', async () => {
    expect((await post(receiver.url, 'cluster-all-up')).status).toBe(200);
  });

  it('when one broker of three is SIGKILLed, then requests are still answered 200 (two replicas in sync)', async () => {
    await cluster.killNode(3);
    // The first may wait for the controller to fence the dead broker (about 6 s) and move its
    // leaderships: a client would retry its 503 in the meantime, so retry as one would.
    const statuses: number[] = [];
    for (let i = 0; i < 5 && statuses.at(-1) !== 200; i++)
      statuses.push((await post(receiver.url, 'cluster-one-down')).status);
    expect(statuses.at(-1)).toBe(200);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect((await post(receiver.url, 'cluster-one-down-2')).status).toBe(200);
  }, 60_000);

  it('when two brokers of three are SIGKILLed, then requests are answered 503 with Retry-After within the produce timeout, never 200', async () => {
    await cluster.killNode(2);
    for (const sensorId of ['cluster-two-down-1', 'cluster-two-down-2']) {
      const res = await post(receiver.url, sensorId);
      expect(res.status).toBe(503);
      expect(res.retryAfter).not.toBeNull();
      expect(res.ms).toBeLessThan(PRODUCE_TIMEOUT_MS + 1500);
    }
  }, 30_000);

  it('when the killed brokers are back, then requests are answered 200 again', async () => {
    await cluster.startAll();
    const statuses: number[] = [];
    for (let i = 0; i < 10 && statuses.at(-1) !== 200; i++)
      statuses.push((await post(receiver.url, 'cluster-back')).status);
    expect(statuses.at(-1)).toBe(200);
  }, 120_000);
});
