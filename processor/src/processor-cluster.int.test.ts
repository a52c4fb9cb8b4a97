// The processor on a real Redis Cluster (infra/redis-cluster.sh: 3 masters, 3 replicas on 7001-7006):
// one slot per readings partition, the ioredis Cluster client, WAIT for a replica before committing,
// and a master failed over (planned, then SIGKILLed) while readings flow, with counters and events
// exact. The Kafka side is the shared single broker.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Cluster } from 'ioredis';
import type { Kafka, Producer } from 'kafkajs';
import {
  createProducer,
  createRedisClient,
  eventCodec,
  kafkaPartitionOf,
  partitionKeys,
  type RedisClient,
  redisWaitReplicas,
  type SensorEvent,
  sensorStateKey,
} from '../../shared/src';
import { testConfig, uniqueName, waitFor } from '../../test/helpers';
import { kafkaWithTopics, readTopic, silentLogger, type TopicReader } from '../../test/kafka';
import { produceReadings, reading } from '../../test/readings';
import { type Running, startProcessor } from '../../test/services';
import { toReadings } from '../../receiver/src/reading-ids';

const script = path.resolve(__dirname, '..', '..', 'infra', 'redis-cluster.sh');
const available = existsSync(script);
const clusterScript = (...args: string[]) =>
  execFileSync(script, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
/** Without blocking the event loop: the processor under test runs in this process. */
const clusterScriptAsync = (...args: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile(script, args, { encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`redis-cluster.sh ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
if (!available) {
  // eslint-disable-next-line no-console -- a skipped suite must say why, in the test output
  console.warn(`processor on Redis Cluster: skipped, ${path.relative(process.cwd(), script)} is missing`);
}

(available ? describe : describe.skip)('processor on a real Redis Cluster', () => {
  let startedCluster = false;
  let nodes = '';
  const config = () =>
    testConfig({
      REDIS_CLUSTER_NODES: nodes,
      PROCESSOR_RULES: JSON.stringify([
        { metric: 'temperature', comparison: '>=', threshold: 95, warningsForEvent: 3 },
      ]),
    });
  let kafka: Kafka;
  let producer: Producer;
  let redis: Cluster;
  let c: ReturnType<typeof testConfig>;
  let events: TopicReader;
  let processor: Running | undefined;
  let processorRedis: RedisClient | undefined;

  const eventsOf = (sensorId: string): SensorEvent[] =>
    events.messages.map((m) => eventCodec.decode(m.value)).filter((e) => e.sensorId === sensorId);
  const counter = (sensorId: string) =>
    redis.hget(sensorStateKey(c.redis.keyPrefix, c.kafka.readingsTopic, c.kafka.partitions, sensorId), 'temperature');
  /** the master (host:port) serving a partition's slot, as the cluster says now */
  const masterOf = async (partition: number) => {
    await new Promise<void>((resolve, reject) => redis.refreshSlotsCache((err) => (err ? reject(err) : resolve())));
    const slot = Number(
      await redis.cluster('KEYSLOT', partitionKeys(c.redis.keyPrefix, c.kafka.readingsTopic, partition).progress),
    );
    return redis.slots[slot][0];
  };

  beforeAll(async () => {
    if (clusterScriptFails('status')) {
      clusterScript('start');
      startedCluster = true;
    }
    nodes = clusterScript('nodes').trim();
    c = config();
    kafka = await kafkaWithTopics(c);
    producer = createProducer(kafka);
    await producer.connect();
    redis = createRedisClient(c.redis, silentLogger) as Cluster;
    await redis.connect();
    events = await readTopic(kafka, c.kafka.eventsTopic);
    processorRedis = createRedisClient(c.redis, silentLogger);
    await processorRedis.connect();
    processor = await startProcessor(c, kafka, { redis: processorRedis });
  }, 120_000);
  afterAll(async () => {
    await processor?.stop();
    processorRedis?.disconnect();
    await events?.close();
    await producer?.disconnect();
    redis?.disconnect();
    if (startedCluster) clusterScript('stop');
  }, 60_000);

  it('when the configuration names cluster nodes, then the processor waits for one replica and every key of a partition is in one slot', async () => {
    expect(redisWaitReplicas(c)).toBe(1);
    for (let partition = 0; partition < c.kafka.partitions; partition++) {
      const keys = partitionKeys(c.redis.keyPrefix, c.kafka.readingsTopic, partition);
      const slots = await Promise.all(
        [keys.progress, keys.dedup, keys.outbox, keys.sensor('a'), keys.sensor('zz-9')].map((k) =>
          redis.cluster('KEYSLOT', k),
        ),
      );
      expect(new Set(slots).size).toBe(1);
    }
  });

  it("when sensors of every partition send the original test's temperatures, then each gets events 99 and 98 and counter 3", async () => {
    const sensors = Array.from({ length: 9 }, (_, i) => uniqueName(`cluster-orig-${i}`));
    expect(new Set(sensors.map((s) => kafkaPartitionOf(s, c.kafka.partitions))).size).toBeGreaterThan(1);
    for (const s of sensors) {
      await produceReadings(
        producer,
        c.kafka.readingsTopic,
        [10, 100, 97, 99, 10, 100, 107, 98].map((t) => reading(s, t)),
      );
    }
    for (const s of sensors) {
      await events.until(() => eventsOf(s).length >= 2, `two events of ${s}`);
      await waitFor(async () => (await counter(s)) === '3', { what: `counter 3 of ${s}` });
      expect(eventsOf(s).map((e) => e.value)).toEqual([99, 98]);
    }
  });

  it('when a client re-sends a batch on Redis Cluster, then it counts once', async () => {
    const s = uniqueName('cluster-dedup');
    const t = Date.now();
    const post = (items: Array<[string, number]>, at: number) =>
      toReadings(
        items.map(([clientId, value]) => ({ clientId, sensorId: s, metric: 'temperature', value, at })),
        at,
      );
    const batch: Array<[string, number]> = [
      ['1', 99],
      ['2', 99],
    ];
    await produceReadings(producer, c.kafka.readingsTopic, post(batch, t));
    await produceReadings(producer, c.kafka.readingsTopic, post(batch, t + 1000));
    await produceReadings(producer, c.kafka.readingsTopic, post([['3', 99]], t + 2000));
    await events.until(() => eventsOf(s).length >= 1, 'the event');
    await waitFor(async () => (await counter(s)) === '3', { what: 'counter 3' });
    expect(eventsOf(s).map((e) => e.readingId)).toEqual([`c/${s}/3/temperature`]);
  });

  it.each(['failover', 'crash'])(
    'when the master of a partition is %s while its readings flow, then counters and events stay exact',
    async (fault) => {
      // sensors of one partition, and the master holding that partition's slot
      const partition = 0;
      const sensors: string[] = [];
      while (sensors.length < 4) {
        const s = uniqueName(`cluster-${fault}`);
        if (kafkaPartitionOf(s, c.kafka.partitions) === partition) sensors.push(s);
      }
      const master = await masterOf(partition);
      const run = (s: string, values: number[]) =>
        produceReadings(
          producer,
          c.kafka.readingsTopic,
          values.map((t) => reading(s, t)),
        );
      // a run of 3 warnings before (event), 2 during and 2 after (event at the 3rd), then a reset and 1
      for (const s of sensors) await run(s, [99, 99, 99]);
      const faultDone = clusterScriptAsync(fault, master.split(':')[1]);
      for (const s of sensors) await run(s, [10, 99, 99]);
      await faultDone;
      await waitFor(async () => (await masterOf(partition)) !== master, { what: 'another master for the slot' });
      for (const s of sensors) await run(s, [99, 99, 10, 99]);
      for (const s of sensors) {
        await waitFor(async () => (await counter(s)) === '1', { what: `the final counter of ${s}`, timeoutMs: 60_000 });
        await events.until(() => eventsOf(s).length >= 2, `two events of ${s}`, 60_000);
      }
      // the events were sent before their offsets were committed; nothing more arrives
      expect(sensors.map((s) => eventsOf(s).length)).toEqual(sensors.map(() => 2));
    },
    180_000,
  );

  function clusterScriptFails(...args: string[]): boolean {
    try {
      clusterScript(...args);
      return false;
    } catch {
      return true;
    }
  }
});
