// Fault injection: many sensors post under load to two receivers while the harness SIGKILLs and
// restarts receivers, processors and savers (two of each), and restarts or fails over the
// infrastructure (topology.ts), at seeded random moments. Half the sensors have short client timeouts
// and re-send batches with the same client ids, at once, through the other receiver or after later
// readings (load.ts). Then the readings topic is read back (the processor's real input, copies
// included) and verdict.ts compares what was accepted, what the topic holds, what is stored and the
// events and counters the rules imply for the first copy of each reading in Kafka order.
//
// `make test` runs a short form (FAULT_DURATION_S=40); `make fault` a long one; `make fault-cluster`
// (FAULT_CLUSTER=1) the same on a 3-broker Kafka and a Redis Cluster, skipped with the reason when
// they are not running. FAULT_SEED replays a run's decisions.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { counterField, createPool, createRedisClient, readingCodec, sensorStateKey } from '../../shared/src';
import type { TopicReading } from '../../tester/src/expected-events';
import { seededRandom } from '../../tester/src/seeded-random';
import { createTopicReader } from '../../tester/src/topic-reader';
import { testConfig, uniqueName, waitFor } from '../helpers';
import { kafkaWithTopics, silentLogger } from '../kafka';
import { runLoad } from './load';
import { freePort, type ServiceProcess, serviceEnv, serviceProcess } from '../../bench/src/service-process';
import { type Chance, cluster, clusterMissing, singleNode, type Topology } from './topology';
import { type Figures, problems, verdict } from './verdict';

const repo = path.resolve(__dirname, '..', '..');
const durationS = Number(process.env.FAULT_DURATION_S ?? 40);
const seed = Number(process.env.FAULT_SEED ?? Date.now() % 100000);
const sensorCount = Number(process.env.FAULT_SENSORS ?? 40);
const clusterForm = process.env.FAULT_CLUSTER === '1';
const logDir = path.join(repo, '.run', clusterForm ? 'fault-cluster' : 'fault');

const skipReason = clusterForm ? clusterMissing() : undefined;
if (skipReason) process.stdout.write(`\nfault injection, cluster form: SKIPPED: ${skipReason}\n`);
const suite = skipReason ? describe.skip : describe;

/** Waits until the group has committed the end of every partition of the topics (nothing left to consume). */
async function caughtUp(admin: Admin, groupId: string, topics: string[]): Promise<boolean> {
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    for (const { partition, high } of ends) {
      const at = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
      if (Number(high) > 0 && Number(at) < Number(high)) return false;
    }
  }
  return true;
}

suite(`fault injection (${clusterForm ? 'cluster: 3 Kafka brokers, Redis Cluster' : 'single broker'})`, () => {
  let topology: Topology;
  let config: ReturnType<typeof testConfig>;
  let kafka: Kafka;
  let pool: Pool;
  const processes: ServiceProcess[] = [];
  const faults: string[] = [];

  beforeAll(async () => {
    topology = clusterForm ? cluster() : singleNode();
    config = testConfig({ KAFKA_PARTITIONS: '6', ...topology.env });
    kafka = await kafkaWithTopics(config);
    if (topology.form === 'cluster') {
      // the cluster form means nothing on topics with one replica; a new topic's metadata reaches
      // every broker a moment after it is created
      const admin = kafka.admin();
      await admin.connect();
      try {
        const replicas = await waitFor(
          async () => {
            const { topics } = await admin.fetchTopicMetadata({ topics: [config.kafka.readingsTopic] });
            return topics[0]?.partitions.length ? topics[0].partitions.map((p) => p.replicas.length) : undefined;
          },
          { what: `the metadata of ${config.kafka.readingsTopic}`, timeoutMs: 30_000, intervalMs: 250 },
        );
        expect(replicas).toEqual(replicas.map(() => 3));
      } finally {
        await admin.disconnect();
      }
    }
    pool = createPool({ ...config.postgres, poolSize: 2 }, silentLogger);
    mkdirSync(logDir, { recursive: true });
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await pool?.end();
  });

  it(
    'when services are killed and the infrastructure restarts under load and clients re-send what timed out, then nothing accepted is lost or doubled and events and counters match the rules',
    async () => {
      const rules = config.processor.rules;
      const env = serviceEnv(config, {
        RECEIVER_PRODUCE_TIMEOUT_MS: '3000',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        KAFKA_REBALANCE_TIMEOUT_MS: '10000',
        ...topology.env,
      });
      const runDir = path.join(logDir, `run-${seed}`);
      const start = async (service: ServiceProcess['service'], names: string[]) =>
        Promise.all(names.map(async (n) => serviceProcess(service, n, await freePort(), env, runDir)));
      const receivers = await start('receiver', ['receiver-a', 'receiver-b']);
      const processors = await start('processor', ['processor-a', 'processor-b']);
      const savers = await start('saver', ['saver-a', 'saver-b']);
      processes.push(...receivers, ...processors, ...savers);
      await Promise.all(processes.map((p) => p.start()));

      const random = seededRandom(seed);
      const chance: Chance = {
        pick: (items) => items[Math.floor(random() * items.length)],
        pause: (minMs, maxMs) => new Promise((r) => setTimeout(r, minMs + random() * (maxMs - minMs))),
      };
      const killAndRestart = (kind: string, group: ServiceProcess[]) => ({
        kind,
        inject: async () => {
          const p = chance.pick(group);
          await p.kill('SIGKILL');
          await chance.pause(200, 2000);
          await p.start();
          return `SIGKILL ${p.name}`;
        },
      });
      const faultKinds = [
        killAndRestart('SIGKILL a receiver', receivers),
        killAndRestart('SIGKILL a processor', processors),
        killAndRestart('SIGKILL a saver', savers),
        ...topology.faults,
      ];
      const faultsByKind: Record<string, number> = {};
      const inject = async (fault: (typeof faultKinds)[number]) => {
        faults.push(await fault.inject(chance));
        faultsByKind[fault.kind] = (faultsByKind[fault.kind] ?? 0) + 1;
      };

      const sensors = Array.from({ length: sensorCount }, () => uniqueName('fault'));
      const until = Date.now() + durationS * 1000;
      // Every kind of fault at least once, in a seeded order, then more at random until the time is
      // up; the load goes on until both are over, plus a few seconds of calm.
      const calmUntil = { at: Number.POSITIVE_INFINITY };
      const chaos = (async () => {
        const order = [...faultKinds].sort(() => random() - 0.5);
        for (const fault of order) {
          await chance.pause(500, 1500);
          await inject(fault);
        }
        while (Date.now() < until - 3000) {
          await chance.pause(1000, Math.max(1500, (durationS * 1000) / (faultKinds.length * 2)));
          if (Date.now() < until - 3000) await inject(chance.pick(faultKinds));
        }
        calmUntil.at = Math.max(until, Date.now() + 3000);
      })();
      const load = runLoad({
        receiverUrls: receivers.map((r) => r.baseUrl),
        sensors,
        intervalMs: 20,
        keepGoing: () => Date.now() < calmUntil.at,
        hardDeadline: until + 300_000,
        seed,
      });
      const [result] = await Promise.all([load, chaos]);

      // The load is over: the receivers stop (SIGTERM), so nothing more reaches the readings topic, not
      // even a produce of a request the client gave up on. Then the topic is final: read it back.
      const receiverExits = await Promise.all(receivers.map(async (r) => [r.name, await r.stop()]));
      const reader = createTopicReader(kafka, config.kafka.readingsTopic, readingCodec.decode, config.kafka.brokers);
      const collected = await reader.collect({ keys: sensors, until: () => true, timeoutMs: 120_000 });
      const topic: TopicReading[] = [...collected.byKey.values()].flat();

      // The pipeline catches up: both groups have committed the end of what they consume.
      const admin = kafka.admin();
      await admin.connect();
      const settled = await waitFor(
        async () =>
          (await caughtUp(admin, config.processor.groupId, [config.kafka.readingsTopic])) &&
          (await caughtUp(admin, config.saver.groupId, [
            config.kafka.readingsTopic,
            config.kafka.eventsTopic,
            config.kafka.alarmsTopic,
          ])),
        { what: 'processors and savers caught up', timeoutMs: 180_000, intervalMs: 1000 },
      ).then(
        () => true,
        () => false,
      );
      await admin.disconnect();

      const countRows = async (table: 'readings' | 'events') =>
        new Map(
          (
            await pool.query<{ id: string; n: string }>(
              `SELECT id, count(*) AS n FROM ${table} WHERE sensor_id = ANY($1) GROUP BY id`,
              [sensors],
            )
          ).rows.map((r) => [r.id, Number(r.n)]),
        );
      // the processor's Redis (single or Cluster, from the configuration) and its key layout
      const redis = createRedisClient(config.redis, silentLogger);
      const counters = new Map<string, number>();
      try {
        for (const sensorId of sensors) {
          const key = sensorStateKey(
            config.redis.keyPrefix,
            config.kafka.readingsTopic,
            config.kafka.partitions,
            sensorId,
          );
          const value = await redis.hget(key, counterField('temperature'));
          if (value !== null) counters.set(sensorId, Number(value));
        }
      } finally {
        redis.disconnect();
      }
      // the alarms table (the saver's sink of metrics.alarms): the final state of every alarm
      const storedAlarms = new Map(
        (
          await pool.query<{
            id: string;
            sensor_id: string;
            rule: string;
            status: 'active' | 'cleared';
            value: number;
            peak: number;
            events: number;
            warnings: number;
          }>(
            'SELECT id, sensor_id, rule, status, value, peak, events, warnings FROM alarms WHERE sensor_id = ANY($1)',
            [sensors],
          )
        ).rows.map((r) => [
          r.id,
          {
            sensorId: r.sensor_id,
            rule: r.rule,
            status: r.status,
            value: r.value,
            peak: r.peak,
            events: r.events,
            warnings: r.warnings,
          },
        ]),
      );
      const { figures, details } = verdict({
        sent: result.readings,
        topic,
        storedReadings: await countRows('readings'),
        storedEvents: await countRows('events'),
        counters,
        rules,
        storedAlarms,
      });
      const found = problems(figures);

      const report = {
        form: topology.form,
        seed,
        durationS,
        sensors: sensorCount,
        faultsByKind,
        faults,
        requests: result.attempts,
        statuses: result.statuses,
        retries: result.retries,
        topicReadComplete: collected.caughtUp,
        pipelineCaughtUp: settled,
        ...figures,
        problems: found,
        details,
      };
      writeFileSync(path.join(runDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(summary(report, figures, runDir));

      expect(Object.keys(faultsByKind).sort()).toEqual(faultKinds.map((f) => f.kind).sort());
      expect(collected.caughtUp).toBe(true);
      expect(figures.accepted).toBeGreaterThan(sensorCount * 10);
      expect(figures.topicRepeated).toBeGreaterThan(0);
      expect(figures.eventsExpected).toBeGreaterThan(0);
      expect(figures.alarmsExpected).toBeGreaterThan(0);
      expect(found).toEqual([]);
      // and every service shuts down cleanly on SIGTERM (finish, flush, commit, exit 0)
      const exits = [
        ...receiverExits,
        ...(await Promise.all([...processors, ...savers].map(async (p) => [p.name, await p.stop()]))),
      ];
      // a process that exited on its own during the run shows here too: its last fatal lines say why
      const why = exits
        .filter(([, code]) => code !== 0)
        .map(([name]) => `${name}: ${lastFatalLines(processes.find((p) => p.name === name)!.logFile)}`);
      expect({ exits, why }).toEqual({ exits: processes.map((p) => [p.name, 0]), why: [] });
    },
    (durationS + 600) * 1000,
  );
});

/** The fatal and error lines at the end of a service's log, for a failure message. */
function lastFatalLines(logFile: string): string {
  const lines = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => /"level":"(fatal|error)"/.test(l));
  return lines.slice(-3).join('\n') || `(no fatal or error line in ${logFile})`;
}

function summary(
  report: { form: string; faultsByKind: Record<string, number>; requests: number; statuses: Record<string, number> } & {
    retries: Record<string, number>;
    problems: string[];
  },
  f: Figures,
  runDir: string,
): string {
  const kinds = Object.entries(report.faultsByKind)
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');
  return (
    `\nfault injection, ${report.form} (seed ${seed}, ${durationS} s, ${sensorCount} sensors): ${kinds}\n` +
    `  readings sent ${f.sent}: accepted ${f.accepted}, unanswered ${f.unanswered}, refused ${f.refused}\n` +
    `  stored ${f.stored}, missing ${f.missing}, duplicated ${f.duplicated}, stored though unanswered ${f.storedUnanswered} (allowed), ` +
    `stored though refused ${f.storedRefused}\n` +
    `  readings topic: ${f.topicCopies} copies of ${f.topicReadings} readings (${f.topicRepeated} more than once), ` +
    `not stored ${f.topicNotStored}, stored but not in it ${f.storedNotInTopic}\n` +
    `  events expected ${f.eventsExpected}, stored ${f.eventsStored}, missing ${f.eventsMissing}, unexpected ${f.eventsUnexpected}; ` +
    `Redis counters wrong ${f.countersWrong}\n` +
    `  alarms expected ${f.alarmsExpected}, stored ${f.alarmsStored}, missing ${f.alarmsMissing}, unexpected ${f.alarmsUnexpected}, wrong ${f.alarmsWrong}\n` +
    `  requests ${report.requests} by outcome ${JSON.stringify(report.statuses)}; retries ${JSON.stringify(report.retries)}\n` +
    `  ${report.problems.length === 0 ? 'PASS' : `FAIL: ${report.problems.join(', ')}`}; logs and report.json in ${runDir}\n`
  );
}
