// `make bench`: one run of every phase on this machine, everything co-located, then the report in
// bench/reports/latest.md and latest.json (a quick run, BENCH_QUICK=1, writes .run/bench/quick.*
// instead, so a smoke run never replaces the committed figures). Output: one line per phase on stdout.
//
//   limits      raw kafkajs sendBatch (pre-loads a topic), raw consume, raw PostgreSQL ingest
//   receiver    alone, simulator at full speed: batch requests, then single-reading requests
//   auth        receiver throughput with RECEIVER_AUTH=on as a share of off, batch and single (auth-phase.ts)
//   client      the client library (client/) against the simulator's raw batch posting, same receiver
//   processor   alone on the pre-loaded topic
//   saver       alone on the pre-loaded topic and the processor's events
//   rules       the processor alone on the pre-loaded topic with 1, 100 and 1,000 rules, alternating (rules-phase.ts)
//   end to end  receiver + processor + saver, paced load, backlog, drain, rows counted; event latency
//   alarms      receiver + processor + saver + assessor at 5,000 readings/s: 200 → alarm listed by GET /api/v1/alarms (alarm-phase.ts)
//   statistics  30 days of one sensor generated in SQL; assessor vs raw SQL
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import pino from 'pino';
import { createKafka, createLogger, createPool, describeSettings, loadConfig } from '../../shared/src';
import { deleteGroups, deleteRedisKeys, deleteTopics, runBenchScript } from './bench-cleanup';
import { type BenchContext, pidGroups, withCpu } from './bench-context';
import { BENCH_DATABASE, prepareBenchDatabase } from './bench-database';
import { benchPlan } from './bench-plan';
import type { BenchResult } from './bench-result';
import {
  ALARM_TARGET,
  describeAlarmLatency,
  describeRuleChanges,
  measureAlarmLatency,
  RULE_CHANGE_TARGET_MS,
} from './alarm-phase';
import { AUTH_TARGET_SHARE, describeAuthCost, measureAuthCost } from './auth-phase';
import { CLIENT_TARGET_SHARE, measureClientThroughput } from './client-phase';
import { createCpuMeter } from './cpu-meter';
import { measureConsume, measureSendBatch } from './kafka-limits';
import { describeMachine, kafkaBrokerPids } from './machine';
import { measureEndToEnd } from './e2e-phase';
import { measureProcessor, measureReceiver, measureSaver } from './pipeline-phases';
import { measurePgIngest } from './postgres-limits';
import { renderJson, renderMarkdown } from './report';
import { describeRuleCost, measureRuleCost, RULES_TARGETS } from './rules-phase';
import { reportedSettings } from './service-environment';
import { repoRoot } from './service-process';
import { measureStatistics } from './statistics-phase';
import { evaluateTargets, judge } from './targets';

/** Cores used by the rest of the machine during a phase beyond which the report calls the phase noisy. */
const NOISY_OTHER_CORES = 0.3;

/** Machine speed (speed-probe.ts, relative to the start) below which the report flags a phase. */
const SLOW_MACHINE = 0.85;

const say = (line: string) => process.stdout.write(`${line}\n`);
const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');

function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** Stops what the run started and removes its topics, groups and Redis keys; never throws. */
async function cleanUp(ctx: BenchContext): Promise<void> {
  await Promise.all([...ctx.running].map((p) => p.stop().catch(() => undefined)));
  ctx.running.clear();
  const prefix = `bench-${ctx.runId}-`;
  await deleteGroups(ctx.admin, prefix, ctx.logger);
  await deleteTopics(ctx.admin, prefix, ctx.logger);
  const redis = new Redis(ctx.config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await deleteRedisKeys(redis, prefix, ctx.logger);
  } catch (err) {
    ctx.logger.warn({ err }, 'could not delete the Redis keys');
  } finally {
    redis.disconnect();
  }
}

export async function main(): Promise<number> {
  const startedAt = new Date();
  const plan = benchPlan(process.env);
  const config = loadConfig(process.env);
  const logger = createLogger({ name: 'bench', level: process.env.BENCH_LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const runId = Date.now().toString(36);
  const logDir = path.join(repoRoot, '.run', 'bench', runId);
  mkdirSync(logDir, { recursive: true });
  say(
    `bench ${runId}: ${plan.quick ? 'quick run (BENCH_QUICK=1)' : 'full run'}; service logs in ${path.relative(process.cwd(), logDir) || '.'}`,
  );

  const databaseUrl = await prepareBenchDatabase(config.postgres.url, logger);
  const pool = createPool({ url: databaseUrl, poolSize: 4 }, logger);
  const kafka = createKafka(config.kafka, 'bench', logger);
  const admin = kafka.admin();
  await admin.connect();

  const ctx: BenchContext = {
    runId,
    plan,
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
  // Ctrl-C: stop the services now (the phase in hand then fails), start no more, clean up, exit 130.
  let cleaning: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (ctx.aborted) return;
    ctx.aborted = true;
    say(`${signal}: stopping the services and cleaning up`);
    cleaning = cleanUp(ctx).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const machine = await describeMachine(pool, config.redis.url);
    say(
      `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb.toFixed(1)} GB; load ${machine.loadAverageAtStart.toFixed(2)}, other processes ${machine.otherCpuAtStart.toFixed(2)} cores`,
    );

    say('limits');
    const preloadTopic = `bench-${runId}-preload.readings`;
    const kafkaSendBatch = await withCpu(ctx, 'limit: kafka sendBatch', () =>
      measureSendBatch(ctx, preloadTopic, plan.preloadReadings, plan.kafkaBatch),
    );
    say(`  kafka sendBatch: ${int(kafkaSendBatch.perSecond)} readings/s`);
    const kafkaConsume = await withCpu(ctx, 'limit: kafka consume', () =>
      measureConsume(ctx, preloadTopic, plan.preloadReadings),
    );
    say(`  kafka consume: ${int(kafkaConsume.perSecond)} readings/s`);
    const postgres = await withCpu(ctx, 'limit: postgres ingest', () =>
      measurePgIngest(ctx, plan.pgRows, plan.pgBatch),
    );
    say(
      `  postgres: UNNEST ${int(postgres.unnestPlain.perSecond)} rows/s, UNNEST with indexes ${int(postgres.unnestIndexed.perSecond)} rows/s, COPY ${postgres.copyPlain ? int(postgres.copyPlain.perSecond) : '-'} rows/s`,
    );

    say('receiver');
    const batch = await measureReceiver(ctx, 'batch');
    say(`  batch: ${int(batch.load.readingsPerSecond)} readings/s, ${int(batch.load.requestsPerSecond)} requests/s`);
    const single = await measureReceiver(ctx, 'single');
    say(`  single: ${int(single.load.requestsPerSecond)} requests/s`);

    say('receiver with RECEIVER_AUTH on, against off (rounds alternating between two receivers)');
    const auth = await measureAuthCost(ctx);
    for (const line of describeAuthCost(auth)) {
      say(`  ${line}`);
      ctx.notes.push(line);
    }

    say('client library (rounds alternating with the simulator on one receiver)');
    const client = await measureClientThroughput(ctx);
    const clientShare = `${Math.round(client.share * 100)}% of the simulator's rate (median of ${client.pairShares.length} back-to-back pairs of rounds: ${client.pairShares.map((x) => `${Math.round(x * 100)}%`).join(', ')}; ${int(client.clientReadingsPerSecond)} against ${int(client.simulatorReadingsPerSecond)} readings/s in all)`;
    say(`  ${clientShare}`);
    ctx.notes.push(
      `client library (record() with client ids and times, batches of ${ctx.plan.receiver.batchItems * 2} readings, gzip, ${ctx.plan.receiver.batchConcurrency} in flight) against the simulator's raw batch posting on one receiver: ${clientShare}; target >= ${CLIENT_TARGET_SHARE * 100}%; ${client.wireBytesPerReading.toFixed(1)} bytes a reading on the wire, ${client.counters.retried} retries, ${client.counters.dropped} dropped`,
    );

    say('processor');
    const processed = await measureProcessor(ctx, preloadTopic, plan.preloadReadings);
    say(`  ${int(processed.figure.readingsPerSecond)} readings/s, ${int(processed.figure.events)} events`);
    say('saver');
    const saver = await measureSaver(
      ctx,
      preloadTopic,
      processed.eventsTopic,
      plan.preloadReadings,
      processed.figure.events,
    );
    say(`  ${int(saver.readingsPerSecond)} rows/s`);
    say('processor with 1, 100 and 1,000 rules (rounds alternating on the pre-loaded topic)');
    const ruleCost = await measureRuleCost(ctx, preloadTopic, plan.preloadReadings);
    for (const line of describeRuleCost(ruleCost)) {
      say(`  ${line}`);
      ctx.notes.push(line);
    }

    say(
      `end to end (${plan.e2e.durationS} s at ${int(plan.e2e.rate)} readings/s, latency, ${plan.e2e.fullSpeedS} s at full speed)`,
    );
    const { e2e, latency, fullSpeed } = await measureEndToEnd(ctx);

    say(`alarms (${int(ALARM_TARGET.rate)} readings/s, receiver + processor + saver + assessor)`);
    const alarmLatency = await measureAlarmLatency(ctx);
    const alarmLine = describeAlarmLatency(alarmLatency);
    const ruleChangeLine = describeRuleChanges(alarmLatency.ruleChange);
    for (const line of [alarmLine, ruleChangeLine]) {
      say(`  ${line}`);
      ctx.notes.push(line);
    }

    say(`statistics (${plan.statistics.days} days of history)`);
    const statistics = await measureStatistics(ctx);
    say(
      `  hourly statistics ${statistics.hourlyStatisticsMs.toFixed(1)} ms, measurements ${statistics.measurementsMs.toFixed(1)} ms, raw SQL ${statistics.rawHourlyMs.toFixed(1)} ms`,
    );

    for (const [phase, speed] of Object.entries(ctx.speedByPhase)) {
      if (speed < SLOW_MACHINE) {
        ctx.notes.push(
          `${phase}: the machine ran ${Math.round((1 - speed) * 100)}% slower than at the start (speed probe); compare its ratios with care`,
        );
      }
    }
    for (const [phase, cores] of Object.entries(ctx.cpuByPhase)) {
      if ((cores.other ?? 0) > NOISY_OTHER_CORES) {
        ctx.notes.push(
          `${phase}: other processes on the machine used ${cores.other.toFixed(2)} cores meanwhile; its figures are noisy`,
        );
      }
    }
    const finishedAt = new Date();
    const result: BenchResult & {
      clientThroughput: typeof client;
      authCost: typeof auth;
      ruleCost: typeof ruleCost;
      alarmLatency: typeof alarmLatency;
    } = {
      schema: 1,
      quick: plan.quick,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      tookS: (finishedAt.getTime() - startedAt.getTime()) / 1000,
      machine,
      serviceSettings: reportedSettings(
        process.env,
        describeSettings().map((s) => s.env),
        BENCH_DATABASE,
      ),
      limits: { kafkaSendBatch, kafkaConsume, postgres },
      receiverBatch: batch.load,
      receiverSingle: single.load,
      receiverProduces: { batch: batch.produces, single: single.produces },
      clientThroughput: client,
      authCost: auth,
      ruleCost,
      alarmLatency,
      processor: processed.figure,
      saver,
      endToEnd: e2e,
      endToEndFullSpeed: fullSpeed,
      eventLatency: latency,
      statistics,
      peakRssMb: ctx.peakRssMb,
      memory: ctx.memory,
      cpu: ctx.cpuByPhase,
      machineSpeed: ctx.speedByPhase,
      notes: ctx.notes,
    };
    const dir = process.env.BENCH_REPORT_DIR
      ? path.resolve(process.env.BENCH_REPORT_DIR)
      : plan.quick
        ? path.join(repoRoot, '.run', 'bench')
        : path.join(repoRoot, 'bench', 'reports');
    const name = plan.quick ? 'quick' : 'latest';
    writeAtomically(path.join(dir, `${name}.md`), renderMarkdown(result));
    writeAtomically(path.join(dir, `${name}.json`), renderJson(result));

    say('');
    for (const t of evaluateTargets(result))
      say(`${t.met ? 'MET   ' : 'MISSED'} ${t.name}: ${t.measured} (${t.verdict})`);
    const clientTarget = judge(client.share, CLIENT_TARGET_SHARE, 'atLeast');
    say(`${clientTarget.met ? 'MET   ' : 'MISSED'} Client library: ${clientShare} (${clientTarget.verdict})`);
    for (const [mode, m] of [
      ['batch', auth.batch],
      ['single-reading', auth.single],
    ] as const) {
      const t = judge(m.share, AUTH_TARGET_SHARE, 'atLeast');
      say(
        `${t.met ? 'MET   ' : 'MISSED'} Receiver with auth on, ${mode} requests: ${Math.round(m.share * 100)}% of auth off (${t.verdict})`,
      );
    }
    for (const s of ruleCost.sets) {
      if (s.set === 'default') continue;
      const t = judge(s.share, s.set === 'hundred' ? RULES_TARGETS.hundred : RULES_TARGETS.thousand, 'atLeast');
      say(
        `${t.met ? 'MET   ' : 'MISSED'} Processor with ${int(s.rules)} rules: ${Math.round(s.share * 100)}% of the default rule's throughput (${t.verdict})`,
      );
    }
    const alarmTarget = judge(
      alarmLatency.alarmsExpected > 0 ? alarmLatency.latencyMs.p99 : Number.NaN,
      ALARM_TARGET.p99Ms,
      'below',
    );
    const alarmMet = alarmTarget.met && alarmLatency.alarmsSeen === alarmLatency.alarmsExpected;
    say(
      `${alarmMet ? 'MET   ' : 'MISSED'} Alarm latency p99 at ${int(alarmLatency.targetRate)} readings/s: ${int(alarmLatency.latencyMs.p99)} ms, ${alarmLatency.alarmsSeen} of ${alarmLatency.alarmsExpected} alarms listed (${alarmTarget.verdict})`,
    );
    const rc = alarmLatency.ruleChange;
    const ruleChangeTarget = judge(rc.applied > 0 ? rc.latencyMs.p99 : Number.NaN, RULE_CHANGE_TARGET_MS, 'below');
    const ruleChangeMet = ruleChangeTarget.met && rc.applied === rc.changes;
    say(
      `${ruleChangeMet ? 'MET   ' : 'MISSED'} Rule-set change applied by all ${rc.processors} processors, p99: ${int(rc.latencyMs.p99)} ms, ${rc.applied} of ${rc.changes} changes (${ruleChangeTarget.verdict})`,
    );
    say('');
    say(
      `report: ${path.relative(process.cwd(), path.join(dir, `${name}.md`))} and .json (${(result.tookS / 60).toFixed(1)} min)`,
    );
    return 0;
  } finally {
    // after a signal, the signal handler cleans up and exits
    if (cleaning) await cleaning;
    else await cleanUp(ctx);
    await pool.end().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

if (require.main === module) runBenchScript('bench', main);
