// The cost of delivery guarantees end to end (`node dist/bench/src/delivery-bench.js` after `make
// build`; BENCH_QUICK=1 for a short run): receiver + processor + saver at full speed, in rounds that
// alternate (a) the single broker without client ids, (b) the single broker with a client id on every
// reading, (c) the 3-broker cluster (topics with replication 3, min.insync.replicas 2, acks from all
// in-sync replicas) with client ids; then the processor's dedup sets after a paced run with client
// ids (MEMORY USAGE of each set), converted to bytes an entry and MB a window. Each round has its own
// topics, groups and Redis keys (`bench-<run>-…`, removed at the end) and starts from empty tables; the
// Redis is the single one of REDIS_URL in every round, so (c) differs from (b) by the brokers only.
// Writes bench/reports/delivery.md (BENCH_QUICK=1: .run/bench/delivery.md) and prints it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import type { Admin } from 'kafkajs';
import pino from 'pino';
import { createKafka, createLogger, createPool, describeSettings, loadConfig } from '../../shared/src';
import {
  type BenchContext,
  phaseNames,
  pidGroups,
  recordMemory,
  type Stack,
  stopStack,
  withCpu,
} from './bench-context';
import { deleteGroups, deleteRedisKeys, deleteTopics, runBenchScript } from './bench-cleanup';
import { prepareBenchDatabase } from './bench-database';
import { benchPlan } from './bench-plan';
import { createCpuMeter } from './cpu-meter';
import {
  CLIENT_ID_TARGET_SHARE,
  type DedupMemory,
  dedupMemory,
  type DedupSample,
  deliveryPlan,
  type DeliveryPlan,
  README_DEDUP_MB_PER_1000,
  README_DEDUP_MB_PER_1000_HIGH,
  type RoundFigure,
  roundOrder,
  type Setup,
  SETUP_LABELS,
  SETUPS,
  summarizeRounds,
} from './delivery-bench-figures';
import { counters, drain, loadWithTimeline } from './e2e-phase';
import { kafkaBrokerPids } from './machine';
import { TWO_METRICS, truncateData } from './pipeline-phases';
import { type PhaseNames, serviceEnvironment } from './service-environment';
import { freePort, repoRoot, type ServiceName, serviceProcess } from './service-process';
import { slope } from './targets';

const say = (line: string) => process.stdout.write(`${line}\n`);
const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const pct = (n: number) => (Number.isFinite(n) ? `${Math.round(n * 100)}%` : '-');

/** The 3-broker cluster's bootstrap list: BENCH_CLUSTER_BROKERS, else what infra/kafka.sh says. */
function clusterBrokers(): string {
  if (process.env.BENCH_CLUSTER_BROKERS) return process.env.BENCH_CLUSTER_BROKERS;
  return execFileSync(path.join(repoRoot, 'infra', 'kafka.sh'), ['brokers'], {
    env: { ...process.env, KAFKA_LOCAL_NODES: '3' },
    encoding: 'utf8',
  }).trim();
}

/** The environment of a set-up on top of the bench's (whose names are the round's own): brokers and replication. */
function setupEnvironment(setup: Setup, single: string, cluster: string): Record<string, string | undefined> {
  return setup === 'cluster'
    ? { KAFKA_BROKERS: cluster, KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' }
    : { KAFKA_BROKERS: single, KAFKA_REPLICATION_FACTOR: '1', KAFKA_MIN_INSYNC_REPLICAS: '1' };
}

async function startServices(
  ctx: BenchContext,
  phase: string,
  names: PhaseNames,
  extra: Record<string, string | undefined>,
): Promise<Stack> {
  const env = serviceEnvironment(
    names,
    ctx.databaseUrl,
    { ...process.env, ...extra },
    describeSettings().map((s) => s.env),
  );
  const stack: Stack = {};
  for (const service of ['receiver', 'processor', 'saver'] as ServiceName[]) {
    const p = serviceProcess(service, `${phase}-${service}`, await freePort(), env, ctx.logDir);
    stack[service] = p;
    ctx.running.add(p);
  }
  await Promise.all(Object.values(stack).map((p) => p.start()));
  return stack;
}

async function runRound(
  ctx: BenchContext,
  plan: DeliveryPlan,
  brokers: { single: string; cluster: string },
  round: number,
  setup: Setup,
): Promise<RoundFigure> {
  await truncateData(ctx);
  const phase = `d${round}-${setup}`;
  const names = phaseNames(ctx, phase);
  const stack = await startServices(ctx, phase, names, setupEnvironment(setup, brokers.single, brokers.cluster));
  try {
    const full = await withCpu(ctx, phase, () =>
      loadWithTimeline(stack, {
        url: stack.receiver!.baseUrl,
        sensors: ctx.plan.sensors,
        metrics: TWO_METRICS,
        overThreshold: 0.3,
        mode: 'batch',
        rate: 0,
        durationS: plan.fullSpeedS,
        batchSize: ctx.plan.receiver.batchItems,
        concurrency: ctx.plan.receiver.batchConcurrency,
        seed: 17 + round,
        sensorPrefix: `b${ctx.runId}${phase}-`,
        clientIds: setup !== 'single',
      }),
    );
    const accepted = full.load.readingsAccepted;
    const drainS = await drain(ctx, stack, accepted, `the ${phase} round to be stored`);
    const { rows } = await ctx.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM readings');
    const steady = full.timeline.filter((p) => p.t >= plan.fullSpeedS * 0.2);
    const figure: RoundFigure = {
      round,
      setup,
      acceptedPerSecond: full.load.readingsPerSecond,
      storedPerSecond: slope(steady.map((p) => ({ x: p.t, y: p.stored }))),
      throughputWithDrain: accepted / (full.load.elapsedS + drainS),
      drainS,
      lost: Math.max(0, accepted - rows[0].n),
    };
    ctx.say(
      `  round ${round + 1} ${SETUP_LABELS[setup]}: ${int(figure.acceptedPerSecond)} accepted/s, ${int(figure.storedPerSecond)} stored/s, drained in ${drainS.toFixed(1)} s (${int(figure.throughputWithDrain)}/s with the drain), ${figure.lost} lost; machine speed ${(ctx.speedByPhase[phase] ?? 1).toFixed(2)}`,
    );
    return figure;
  } finally {
    await stopStack(ctx, phase, stack);
  }
}

/** A paced run with client ids on the single broker, then MEMORY USAGE and ZCARD of every dedup set. */
async function measureDedup(
  ctx: BenchContext,
  plan: DeliveryPlan,
  brokers: { single: string; cluster: string },
  redis: Redis,
): Promise<DedupSample & { sampleBytes: number; acceptedPerSecond: number }> {
  await truncateData(ctx);
  const phase = 'dedup';
  const names = phaseNames(ctx, phase);
  const stack = await startServices(ctx, phase, names, setupEnvironment('singleIds', brokers.single, brokers.cluster));
  try {
    const paced = await loadWithTimeline(stack, {
      url: stack.receiver!.baseUrl,
      sensors: ctx.plan.sensors,
      metrics: TWO_METRICS,
      overThreshold: 0.3,
      mode: 'batch',
      rate: plan.memoryRate,
      durationS: plan.memoryS,
      batchSize: ctx.plan.e2e.batchItems,
      concurrency: ctx.plan.e2e.concurrency,
      seed: 29,
      sensorPrefix: `b${ctx.runId}dedup-`,
      clientIds: true,
    });
    await drain(ctx, stack, paced.load.readingsAccepted, 'the paced client-id run to be stored');
    const c = await counters(stack);
    let bytes = 0;
    let sampleBytes = 0;
    let entries = 0;
    let sets = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${names.redisKeyPrefix}*:dedup`, 'COUNT', 1000);
      for (const key of keys) {
        // SAMPLES 0: every element counted (the default samples 5 and extrapolates)
        bytes += Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
        sampleBytes += Number(await redis.call('MEMORY', 'USAGE', key));
        entries += await redis.zcard(key);
        sets += 1;
      }
      cursor = next;
    } while (cursor !== '0');
    ctx.say(
      `  dedup: ${int(paced.load.readingsPerSecond)} readings/s paced for ${plan.memoryS} s, ${int(c.processed)} processed; ${sets} sets, ${int(entries)} entries, ${int(bytes)} bytes`,
    );
    return {
      bytes,
      sampleBytes,
      entries,
      sets,
      readingsAccepted: paced.load.readingsAccepted,
      acceptedPerSecond: paced.load.readingsPerSecond,
      rate: plan.memoryRate,
      windowMs: ctx.config.processor.dedupWindowMs,
    };
  } finally {
    await recordMemory(ctx, phase, stack);
    await stopStack(ctx, phase, stack);
  }
}

/** Stops what the run started and removes its topics and groups (on both clusters) and Redis keys; never throws. */
async function cleanUp(ctx: BenchContext, admins: Admin[], redis: Redis): Promise<void> {
  await Promise.all([...ctx.running].map((p) => p.stop().catch(() => undefined)));
  ctx.running.clear();
  const prefix = `bench-${ctx.runId}-`;
  for (const admin of admins) {
    await deleteGroups(admin, prefix, ctx.logger);
    await deleteTopics(admin, prefix, ctx.logger);
  }
  await deleteRedisKeys(redis, prefix, ctx.logger);
}

function renderReport(
  ctx: BenchContext,
  plan: DeliveryPlan,
  rounds: RoundFigure[],
  sample: DedupSample & { sampleBytes: number; acceptedPerSecond: number },
  mem: DedupMemory,
  brokers: { single: string; cluster: string },
): string {
  const s = summarizeRounds(rounds);
  const met = (ok: boolean) => (ok ? 'met' : '**missed**');
  const windowMin = sample.windowMs / 60_000;
  const cores = (phase: string) => {
    const c = ctx.cpuByPhase[phase];
    if (!c) return '-';
    return ['receiver', 'processor', 'saver', 'kafka', 'postgres', 'redis', 'bench', 'other']
      .filter((k) => c[k] !== undefined)
      .map((k) => `${k} ${c[k].toFixed(2)}`)
      .join(', ');
  };
  const lines = [
    '# Delivery bench',
    '',
    `\`node dist/bench/src/delivery-bench.js\`, ${new Date().toISOString()}${plan.quick ? ' (quick run)' : ''}. ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, shared with everything else (Kafka brokers, PostgreSQL, Redis, the load generator).`,
    '',
    `Receiver, processor and saver from dist/ (defaults; LOG_LEVEL=warn), end to end at full speed: the simulator posting batches of`,
    `${ctx.plan.receiver.batchItems} items (${TWO_METRICS.length} readings each, ${int(ctx.plan.sensors)} sensors) with ${ctx.plan.receiver.batchConcurrency} requests in flight for ${plan.fullSpeedS} s, then the drain. ${plan.rounds} rounds of each set-up,`,
    'the order rotated each round; each round on fresh topics, groups and Redis keys and empty tables. "Stored/s" is the slope of the',
    'rows stored over the load\'s last 80% (as `make bench`\'s full-speed figure); "with drain" is every accepted reading over load + drain time.',
    `Single broker: ${brokers.single}; cluster: ${brokers.cluster} (topics created with replication 3 and min.insync.replicas 2; the`,
    'producers send with acks from all in-sync replicas). Redis is the single one of REDIS_URL in every round.',
    '',
    '| measure | result | target | |',
    '|---|---|---|---|',
    `| end to end with a client id on every reading, share of without (median stored/s, b/a) | ${pct(s.clientIdShare)} (${int(s.bySetup.singleIds.storedPerSecond.median)} of ${int(s.bySetup.single.storedPerSecond.median)}/s; per round ${s.clientIdShareByRound.map(pct).join(', ')}; with the drain ${pct(s.clientIdShareWithDrain)}) | ≥ ${pct(CLIENT_ID_TARGET_SHARE)} | ${met(s.clientIdShare >= CLIENT_ID_TARGET_SHARE)} |`,
    `| 3-broker cluster, share of the single broker, both with client ids (c/b) | ${pct(s.clusterShare)} (${int(s.bySetup.cluster.storedPerSecond.median)} of ${int(s.bySetup.singleIds.storedPerSecond.median)}/s; per round ${s.clusterShareByRound.map(pct).join(', ')}; with the drain ${pct(s.clusterShareWithDrain)}) | reported | |`,
    `| dedup window per 1,000 sensors at one client-id reading a second (default ${windowMin}-minute window, ${int(mem.entriesPer1000Sensors)} entries) | ${mem.mbPer1000Sensors.toFixed(1)} MB (${mem.bytesPerEntry.toFixed(1)} bytes an entry) | README: about ${README_DEDUP_MB_PER_1000} MB (${README_DEDUP_MB_PER_1000_HIGH} MB at most measured) | ${met(mem.mbPer1000Sensors <= README_DEDUP_MB_PER_1000_HIGH)} |`,
    `| dedup window at the paced end-to-end rate, ${int(sample.rate)} readings/s all with client ids | ${int(mem.windowEntriesAtRate)} entries over ${windowMin} minutes (${mem.entriesPerReading.toFixed(2)} an accepted reading): ${int(mem.windowMbAtRate)} MB | reported | |`,
    `| readings lost | ${rounds.reduce((n, r) => n + r.lost, 0)} | 0 | ${met(rounds.every((r) => r.lost === 0))} |`,
    '',
    '| set-up | rounds | stored/s median (min–max) | accepted/s median | with drain median |',
    '|---|---|---|---|---|',
    ...SETUPS.map((setup) => {
      const b = s.bySetup[setup];
      return `| ${SETUP_LABELS[setup]} | ${b.rounds} | ${int(b.storedPerSecond.median)} (${int(b.storedPerSecond.min)}–${int(b.storedPerSecond.max)}) | ${int(b.acceptedPerSecond)} | ${int(b.throughputWithDrain)} |`;
    }),
    '',
    '| round | set-up | accepted/s | stored/s | drain | with drain | lost | machine speed | cores used during the load |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rounds.map((r) => {
      const phase = `d${r.round}-${r.setup}`;
      return `| ${r.round + 1} | ${SETUP_LABELS[r.setup]} | ${int(r.acceptedPerSecond)} | ${int(r.storedPerSecond)} | ${r.drainS.toFixed(1)} s | ${int(r.throughputWithDrain)} | ${r.lost} | ${(ctx.speedByPhase[phase] ?? Number.NaN).toFixed(2)} | ${cores(phase)} |`;
    }),
    '',
    '## Dedup sets',
    '',
    `A paced run on the single broker with a client id on every reading: ${int(sample.rate)} readings/s asked for (batches of ${ctx.plan.e2e.batchItems}, ${int(ctx.plan.sensors)} sensors,`,
    `${TWO_METRICS.join(' and ')}) for ${plan.memoryS} s, ${int(sample.readingsAccepted)} accepted (${int(sample.acceptedPerSecond)}/s over the schedule), drained; then \`MEMORY USAGE <key> SAMPLES 0\` (every element) and`,
    `\`ZCARD\` of each of the ${sample.sets} \`…:dedup\` sorted sets (one a partition): ${int(sample.bytes)} bytes for ${int(sample.entries)} entries`,
    `(${int(sample.sampleBytes)} bytes by MEMORY USAGE's default sampling). Only readings whose metric has a rule enter a set (the default rules:`,
    `temperature only), hence ${mem.entriesPerReading.toFixed(2)} entries an accepted reading. Nothing had left the window yet (${plan.memoryS} s of a ${windowMin}-minute window), so`,
    'the window figures are the measured bytes an entry times the entries a full window holds; a larger set pays about the same an',
    "entry (a skiplist node and a hash-table slot each; the table's size doubles in steps, which moves it by some 10 bytes).",
    '',
  ];
  return lines.join('\n');
}

export async function main(): Promise<number> {
  const base = benchPlan(process.env);
  const plan = deliveryPlan(base.quick, base.e2e.rate);
  const config = loadConfig(process.env);
  const logger = createLogger({ name: 'delivery-bench', level: 'warn' }, pino.destination(2));
  const runId = Date.now().toString(36);
  const logDir = path.join(repoRoot, '.run', 'bench', runId);
  mkdirSync(logDir, { recursive: true });
  const brokers = { single: config.kafka.brokers.join(','), cluster: clusterBrokers() };
  const databaseUrl = await prepareBenchDatabase(config.postgres.url, logger);
  const pool = createPool({ url: databaseUrl, poolSize: 2 }, logger);
  const kafka = createKafka(config.kafka, 'delivery-bench', logger);
  const admin = kafka.admin();
  const clusterAdmin = createKafka(
    { ...config.kafka, brokers: brokers.cluster.split(',') },
    'delivery-bench',
    logger,
  ).admin();
  const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await Promise.all([admin.connect(), clusterAdmin.connect(), redis.connect()]);
  const ctx: BenchContext = {
    runId,
    plan: base,
    config,
    logger,
    kafka,
    admin,
    pool,
    databaseUrl,
    logDir,
    cpu: createCpuMeter(() => pidGroups(ctx)),
    kafkaPids: kafkaBrokerPids(),
    running: new Set(),
    peakRssMb: {},
    memory: {},
    cpuByPhase: {},
    speedByPhase: {},
    notes: [],
    aborted: false,
    say,
  };
  let cleaning: Promise<void> | undefined;
  const onSignal = () => {
    if (ctx.aborted) return;
    ctx.aborted = true;
    cleaning = cleanUp(ctx, [admin, clusterAdmin], redis).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const { brokers: running } = await clusterAdmin.describeCluster();
    if (running.length < 3)
      throw new Error(`the cluster at ${brokers.cluster} has ${running.length} brokers running: make infra-cluster-up`);
    say(
      `delivery bench ${runId}${plan.quick ? ' (quick)' : ''}: ${plan.rounds} rounds of ${plan.fullSpeedS} s per set-up; service logs in ${path.relative(process.cwd(), logDir)}`,
    );
    const rounds: RoundFigure[] = [];
    for (const { round, setup } of roundOrder(plan.rounds))
      rounds.push(await runRound(ctx, plan, brokers, round, setup));
    const sample = await measureDedup(ctx, plan, brokers, redis);
    const mem = dedupMemory(sample);
    const report = renderReport(ctx, plan, rounds, sample, mem, brokers);
    const file = plan.quick
      ? path.join(repoRoot, '.run', 'bench', 'delivery.md')
      : path.join(repoRoot, 'bench', 'reports', 'delivery.md');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, report);
    say(report);
    say(`report: ${path.relative(process.cwd(), file)}`);
    // a missed target is in the report, as in the other benches; the exit code is for failures
    return 0;
  } finally {
    if (cleaning) await cleaning;
    else await cleanUp(ctx, [admin, clusterAdmin], redis);
    await Promise.all([admin.disconnect(), clusterAdmin.disconnect(), pool.end()]).catch(() => undefined);
    redis.disconnect();
  }
}

if (require.main === module) runBenchScript('delivery bench', main);
