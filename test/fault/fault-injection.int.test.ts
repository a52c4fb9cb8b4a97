// Fault injection: many sensors post under load while the harness SIGKILLs and restarts processor and
// saver instances (two of each share the partitions), restarts the Kafka broker and restarts
// PostgreSQL, at seeded random moments. Then what was accepted (answered 200) is compared with what
// is stored, and the events stored with the events the rules imply for the readings as sent.
//
// `make test` runs a short form (FAULT_DURATION_S=40); `make fault` a long one. FAULT_SEED replays a run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import type { Pool } from 'pg';
import { createPool } from '../../shared/src';
import { seededRandom } from '../../tester/src/seeded-random';
import { expectedEvents, ruleFor } from '../../tester/src/expected-events';
import { testConfig, uniqueName, waitFor } from '../helpers';
import { kafkaWithTopics, silentLogger } from '../kafka';
import { type AcceptedReading, runLoad } from './load';
import { freePort, type ServiceProcess, serviceEnv, serviceProcess } from './processes';

const repo = path.resolve(__dirname, '..', '..');
const durationS = Number(process.env.FAULT_DURATION_S ?? 40);
const seed = Number(process.env.FAULT_SEED ?? Date.now() % 100000);
const sensorCount = Number(process.env.FAULT_SENSORS ?? 40);
const logDir = path.join(repo, '.run', 'fault');

function localKafkaRunning(): boolean {
  try {
    execFileSync(path.join(repo, 'infra', 'kafka.sh'), ['status'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function localPostgresCluster(): string | undefined {
  if (process.env.FAULT_RESTART_POSTGRES === '0' || !existsSync('/etc/postgresql')) return undefined;
  if (!/@(127\.0\.0\.1|localhost)(:5432)?\//.test(process.env.DATABASE_URL ?? '')) return undefined;
  return readdirSync('/etc/postgresql').sort().pop();
}

describe('fault injection', () => {
  const config = testConfig({ KAFKA_PARTITIONS: '6' });
  const rules = config.processor.rules;
  let pool: Pool;
  let redis: Redis;
  const processes: ServiceProcess[] = [];
  const faults: string[] = [];

  beforeAll(async () => {
    await kafkaWithTopics(config);
    pool = createPool({ ...config.postgres, poolSize: 2 }, silentLogger);
    redis = new Redis(config.redis.url);
    mkdirSync(logDir, { recursive: true });
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await pool?.end();
    redis?.disconnect();
  });

  it(
    'when services are killed and Kafka and PostgreSQL restart under load, then nothing accepted is lost or doubled and events match the rules',
    async () => {
      const receiverPort = await freePort();
      const env = serviceEnv(config, {
        RECEIVER_PORT: String(receiverPort),
        RECEIVER_PRODUCE_TIMEOUT_MS: '3000',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        KAFKA_REBALANCE_TIMEOUT_MS: '10000',
      });
      const runDir = path.join(logDir, `run-${seed}`);
      const receiver = serviceProcess('receiver', 'receiver', receiverPort, env, runDir);
      const processors = await Promise.all(
        ['processor-a', 'processor-b'].map(async (n) => serviceProcess('processor', n, await freePort(), env, runDir)),
      );
      const savers = await Promise.all(
        ['saver-a', 'saver-b'].map(async (n) => serviceProcess('saver', n, await freePort(), env, runDir)),
      );
      processes.push(receiver, ...processors, ...savers);
      await Promise.all(processes.map((p) => p.start()));

      const random = seededRandom(seed);
      const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
      const pause = (minMs: number, maxMs: number) =>
        new Promise((r) => setTimeout(r, minMs + random() * (maxMs - minMs)));
      const pgCluster = localPostgresCluster();
      const kafkaLocal = localKafkaRunning();
      const faultKinds: Array<[string, () => Promise<void>]> = [
        [
          'SIGKILL a processor',
          async () => {
            const p = pick(processors);
            faults.push(`SIGKILL ${p.name}`);
            await p.kill('SIGKILL');
            await pause(200, 2000);
            await p.start();
          },
        ],
        [
          'SIGKILL a saver',
          async () => {
            const s = pick(savers);
            faults.push(`SIGKILL ${s.name}`);
            await s.kill('SIGKILL');
            await pause(200, 2000);
            await s.start();
          },
        ],
      ];
      if (kafkaLocal) {
        faultKinds.push([
          'restart Kafka',
          async () => {
            faults.push('restart Kafka broker');
            execFileSync(path.join(repo, 'infra', 'kafka.sh'), ['restart'], { stdio: 'ignore' });
          },
        ]);
      }
      if (pgCluster) {
        faultKinds.push([
          'restart PostgreSQL',
          async () => {
            faults.push('restart PostgreSQL');
            execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', pgCluster, 'main', 'restart'], {
              stdio: 'ignore',
            });
          },
        ]);
      }

      const sensors = Array.from({ length: sensorCount }, () => uniqueName('fault'));
      const until = Date.now() + durationS * 1000;
      // Every kind of fault at least once, in a seeded order, then more at random until the time is
      // up; the load goes on until both are over, plus a few seconds of calm.
      const calmUntil = { at: Number.POSITIVE_INFINITY };
      const chaos = (async () => {
        const order = [...faultKinds].sort(() => random() - 0.5);
        for (const [, inject] of order) {
          await pause(500, 1500);
          await inject();
        }
        while (Date.now() < until - 3000) {
          await pause(1000, Math.max(1500, (durationS * 1000) / (faultKinds.length * 2)));
          if (Date.now() < until - 3000) await pick(faultKinds)[1]();
        }
        calmUntil.at = Math.max(until, Date.now() + 3000);
      })();
      const load = runLoad({
        receiverUrl: `http://127.0.0.1:${receiverPort}`,
        sensors,
        intervalMs: 20,
        keepGoing: () => Date.now() < calmUntil.at,
        hardDeadline: until + 300_000,
        seed,
      });
      const [result] = await Promise.all([load, chaos]);

      // The pipeline catches up: every accepted reading stored, every implied event stored.
      const acceptedIds = new Set(result.accepted.map((r) => r.id));
      const bySensor = new Map<string, AcceptedReading[]>();
      for (const r of result.accepted) bySensor.set(r.sensorId, [...(bySensor.get(r.sensorId) ?? []), r]);
      const expected = new Map<string, { eventIds: string[]; finalCount: number }>();
      for (const [sensorId, readings] of bySensor) {
        const sorted = readings.sort((a, b) => a.seq - b.seq);
        const e = expectedEvents(
          sorted.map((r) => r.value),
          ruleFor(rules, 'temperature'),
        );
        expected.set(sensorId, { eventIds: e.events.map((ev) => sorted[ev.index].id), finalCount: e.finalCount });
      }
      const expectedEventIds = new Set([...expected.values()].flatMap((e) => e.eventIds));
      const storedReadings = async () =>
        (
          await pool.query<{ id: string; n: string }>(
            'SELECT id, count(*) AS n FROM readings WHERE sensor_id = ANY($1) GROUP BY id',
            [sensors],
          )
        ).rows;
      const storedEvents = async () =>
        (
          await pool.query<{ id: string; n: string }>(
            'SELECT id, count(*) AS n FROM events WHERE sensor_id = ANY($1) GROUP BY id',
            [sensors],
          )
        ).rows;
      await waitFor(async () => (await storedReadings()).length >= acceptedIds.size, {
        what: 'every accepted reading stored',
        timeoutMs: 180_000,
        intervalMs: 1000,
      }).catch(() => undefined);
      await waitFor(async () => (await storedEvents()).length >= expectedEventIds.size, {
        what: 'every implied event stored',
        timeoutMs: 60_000,
        intervalMs: 1000,
      }).catch(() => undefined);

      const readingsRows = await storedReadings();
      const eventRows = await storedEvents();
      const storedIds = new Set(readingsRows.map((r) => r.id));
      const storedEventIds = new Set(eventRows.map((r) => r.id));
      const countersWrong: string[] = [];
      for (const [sensorId, e] of expected) {
        const counter = Number((await redis.hget(`${config.redis.keyPrefix}warnings:${sensorId}`, 'temperature')) ?? 0);
        if (counter !== e.finalCount) countersWrong.push(`${sensorId}: ${counter} != ${e.finalCount}`);
      }
      const figures = {
        seed,
        durationS,
        sensors: sensorCount,
        faults,
        requests: result.attempts,
        statuses: result.statuses,
        accepted: acceptedIds.size,
        stored: storedIds.size,
        missing: [...acceptedIds].filter((id) => !storedIds.has(id)).length,
        duplicated: readingsRows.filter((r) => Number(r.n) > 1).length,
        storedNotAccepted: [...storedIds].filter((id) => !acceptedIds.has(id)).length,
        eventsExpected: expectedEventIds.size,
        eventsStored: storedEventIds.size,
        eventsMissing: [...expectedEventIds].filter((id) => !storedEventIds.has(id)).length,
        eventsUnexpected: [...storedEventIds].filter((id) => !expectedEventIds.has(id)).length,
        eventsDuplicated: eventRows.filter((r) => Number(r.n) > 1).length,
        countersWrong: countersWrong.length,
      };
      writeFileSync(
        path.join(runDir, 'report.json'),
        `${JSON.stringify({ ...figures, countersWrongDetail: countersWrong.slice(0, 20) }, null, 2)}\n`,
      );
      process.stdout.write(
        `\nfault injection (seed ${seed}, ${durationS} s, ${sensorCount} sensors): ${faults.length} faults: ${faults.join(', ')}\n` +
          `  accepted ${figures.accepted}, stored ${figures.stored}, missing ${figures.missing}, duplicated ${figures.duplicated}, ` +
          `stored but not accepted ${figures.storedNotAccepted}\n` +
          `  events expected ${figures.eventsExpected}, events stored ${figures.eventsStored}, missing ${figures.eventsMissing}, ` +
          `unexpected ${figures.eventsUnexpected}; Redis counters wrong ${figures.countersWrong}\n` +
          `  requests ${figures.requests} by status ${JSON.stringify(figures.statuses)}; logs and report.json in ${runDir}\n`,
      );

      expect(faults.length).toBeGreaterThanOrEqual(faultKinds.length);
      expect(figures.accepted).toBeGreaterThan(sensorCount * 10);
      expect(figures.missing).toBe(0);
      expect(figures.duplicated).toBe(0);
      expect(figures.storedNotAccepted).toBe(0);
      expect(figures.eventsExpected).toBeGreaterThan(0);
      expect(figures.eventsMissing).toBe(0);
      expect(figures.eventsUnexpected).toBe(0);
      expect(figures.eventsStored).toBe(figures.eventsExpected);
      expect(countersWrong).toEqual([]);
      // and every service shuts down cleanly on SIGTERM (finish, flush, commit, exit 0)
      const exitCodes = await Promise.all(processes.map(async (p) => [p.name, await p.stop()]));
      expect(exitCodes).toEqual(processes.map((p) => [p.name, 0]));
    },
    (durationS + 420) * 1000,
  );
});
