// What RECEIVER_AUTH=on costs the receiver (issue 10: at most 10% of its throughput): two receivers on
// one topic, one with auth off and one with auth on and a sensor token whose pattern covers the
// simulated sensors (so every request is hashed, looked up in the cache and matched against a glob),
// loaded in turn by the simulator at full speed, batch then single-reading requests. Rounds go off, on,
// on, off (ABBA), so a drift of the machine during the phase weighs on both alike. Throughput on this
// shared 2-core VM moves by ±20% from one round to the next (an A/A run, both receivers with auth off,
// gave 96-102%), so each round also records the receiver's own CPU time per reading (or request), which
// the load of the rest of the machine hardly moves: its ratio is the steadier measure of the cost.
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { createReceiverAccess } from '../../receiver/src/receiver-access';
import {
  createAccess,
  createFailedCheckLimiter,
  createTokenStore,
  createTokenVerifier,
  describeSettings,
  generateToken,
} from '../../shared/src';
import type { BenchPlan } from './bench-plan';
import { TWO_METRICS } from './pipeline-phases';
import { serviceEnvironment } from './service-environment';
import { pidStat, ticksPerSecond } from './proc-stats';
import { freePort, type ServiceProcess, serviceProcess } from './service-process';
import { runSimulation } from './simulation';

export const AUTH_TARGET_SHARE = 0.9;

/** What the phase needs of the bench's context (bench.ts passes its own; auth-bench.ts a smaller one). */
export interface AuthPhaseContext {
  runId: string;
  plan: BenchPlan;
  pool: Pool;
  databaseUrl: string;
  logDir: string;
  running: Set<ServiceProcess>;
  say(line: string): void;
}

export interface AuthRound {
  auth: 'off' | 'on';
  readingsPerSecond: number;
  requestsPerSecond: number;
  errors: number;
  /** the receiver's CPU time during the round, and what it accepted */
  cpuSeconds: number;
  readings: number;
  requests: number;
}

export interface AuthModeCost {
  rounds: AuthRound[];
  /** over all rounds of each kind: readings/s for batch, requests/s for single */
  off: number;
  on: number;
  /** on / off */
  share: number;
  /** the receiver's CPU time per reading (batch) or request (single), in µs */
  cpuUsOff: number;
  cpuUsOn: number;
  /** on / off: 1.05 is 5% more CPU with auth on */
  cpuRatio: number;
}

export interface AuthCost {
  batch: AuthModeCost;
  single: AuthModeCost;
  /** the checks alone (token, patterns), in this process: µs a request, cached token */
  checksUs: { batch: number; single: number };
}

/**
 * The receiver's auth checks of one request (the guard before the body, then admit on the validated
 * readings), timed in this process on the path every request but one in 5 s takes: the token's
 * principal cached. What the receiver spends on auth beyond this is nothing but express calling one
 * more middleware, which it calls with auth off too (for the query-string check).
 */
export async function timeAuthChecks(readingsPerRequest: number, sensors: number, rounds = 20_000): Promise<number> {
  const token = generateToken();
  const verifier = createTokenVerifier({
    store: {
      findByHash: async (hash) => ({ name: 'bench', role: 'sensor', sensors: ['sim-*'], createdAt: '', hash }),
    },
  });
  const access = createReceiverAccess({
    auth: 'on',
    access: createAccess({ verifier, limiter: createFailedCheckLimiter({ perMinute: 30 }) }),
  });
  const readings = Array.from({ length: readingsPerRequest }, (_, i) => ({ sensorId: `sim-${(i * 7919) % sensors}` }));
  const req = {
    path: '/api/v1/measurements',
    query: {},
    headers: { authorization: `Bearer ${token}` },
    socket: { remoteAddress: '127.0.0.1' },
  } as unknown as Request;
  const once = async () => {
    const res = { locals: {}, set: () => res } as unknown as Response;
    await access.guard(req, res, () => undefined);
    await access.admit(res, readings);
  };
  for (let i = 0; i < 2000; i++) await once(); // warm-up: JIT and the cache
  const started = performance.now();
  for (let i = 0; i < rounds; i++) await once();
  return ((performance.now() - started) * 1000) / rounds;
}

/** Sums the rounds of each kind and their share. Pure. */
export function authShare(rounds: AuthRound[], figure: 'readingsPerSecond' | 'requestsPerSecond'): AuthModeCost {
  const mean = (auth: 'off' | 'on') => {
    const mine = rounds.filter((r) => r.auth === auth);
    return mine.reduce((sum, r) => sum + r[figure], 0) / Math.max(1, mine.length);
  };
  const cpuUs = (auth: 'off' | 'on') => {
    const mine = rounds.filter((r) => r.auth === auth);
    const units = mine.reduce((n, r) => n + (figure === 'readingsPerSecond' ? r.readings : r.requests), 0);
    return units > 0 ? (mine.reduce((n, r) => n + r.cpuSeconds, 0) * 1e6) / units : Number.NaN;
  };
  const off = mean('off');
  const on = mean('on');
  const cpuUsOff = cpuUs('off');
  const cpuUsOn = cpuUs('on');
  return { rounds, off, on, share: off > 0 ? on / off : Number.NaN, cpuUsOff, cpuUsOn, cpuRatio: cpuUsOn / cpuUsOff };
}

export async function measureAuthCost(ctx: AuthPhaseContext): Promise<AuthCost> {
  const base = `bench-${ctx.runId}-auth`;
  const names = {
    readingsTopic: `${base}.readings`,
    eventsTopic: `${base}.events`,
    deadLetterTopic: `${base}.dead-letter`,
    processorGroup: `${base}-processor`,
    saverGroup: `${base}-saver`,
    redisKeyPrefix: `${base}:`,
  };
  const env = serviceEnvironment(
    names,
    ctx.databaseUrl,
    process.env,
    describeSettings().map((s) => s.env),
  );
  const sensorPrefix = `a${ctx.runId}`;
  const tokenName = `${base}-sensor`;
  const store = createTokenStore(ctx.pool);
  await store.revoke(tokenName);
  const { token } = await store.create({ name: tokenName, role: 'sensor', sensors: [`${sensorPrefix}*`] });
  const receivers: Record<'off' | 'on', ServiceProcess> = {
    off: serviceProcess(
      'receiver',
      'auth-off-receiver',
      await freePort(),
      { ...env, RECEIVER_AUTH: 'off' },
      ctx.logDir,
    ),
    on: serviceProcess('receiver', 'auth-on-receiver', await freePort(), { ...env, RECEIVER_AUTH: 'on' }, ctx.logDir),
  };
  for (const p of Object.values(receivers)) ctx.running.add(p);
  try {
    await Promise.all(Object.values(receivers).map((p) => p.start()));
    const plan = ctx.plan.receiver;
    const roundS = ctx.plan.quick ? 2 : 5;
    const repeats = ctx.plan.quick ? 1 : 3;
    const cpuSeconds = (p: ServiceProcess) =>
      p.pid === undefined ? 0 : (pidStat(p.pid)?.ticks ?? 0) / ticksPerSecond();
    const measure = async (mode: 'batch' | 'single'): Promise<AuthModeCost> => {
      const load = (auth: 'off' | 'on', durationS: number, seed: number) =>
        runSimulation({
          url: receivers[auth].baseUrl,
          sensors: ctx.plan.sensors,
          rate: 0,
          overThreshold: 0.3,
          seed,
          sensorPrefix: `${sensorPrefix}${mode}-`,
          durationS,
          headers: auth === 'on' ? { Authorization: `Bearer ${token}` } : {},
          ...(mode === 'batch'
            ? { mode, metrics: TWO_METRICS, batchSize: plan.batchItems, concurrency: plan.batchConcurrency }
            : { mode, metrics: ['temperature'], batchSize: 1, concurrency: plan.singleConcurrency }),
        });
      await load('off', plan.warmupS, 1);
      await load('on', plan.warmupS, 1);
      const rounds: AuthRound[] = [];
      let seed = 2;
      for (let i = 0; i < repeats; i++) {
        for (const auth of ['off', 'on', 'on', 'off'] as const) {
          const cpuBefore = cpuSeconds(receivers[auth]);
          const r = await load(auth, roundS, seed++);
          const errors = Object.values(r.errorsByStatus).reduce((a, b) => a + b, 0);
          rounds.push({
            auth,
            readingsPerSecond: r.readingsPerSecond,
            requestsPerSecond: r.requestsPerSecond,
            errors,
            cpuSeconds: cpuSeconds(receivers[auth]) - cpuBefore,
            readings: r.readingsAccepted,
            requests: r.requestsAccepted,
          });
        }
      }
      return authShare(rounds, mode === 'batch' ? 'readingsPerSecond' : 'requestsPerSecond');
    };
    const batch = await measure('batch');
    const single = await measure('single');
    const checksUs = {
      batch: await timeAuthChecks(plan.batchItems * TWO_METRICS.length, ctx.plan.sensors, 5000),
      single: await timeAuthChecks(1, ctx.plan.sensors),
    };
    return { batch, single, checksUs };
  } finally {
    await Promise.all(
      Object.values(receivers).map(async (p) => {
        await p.stop();
        ctx.running.delete(p);
      }),
    );
    await store.revoke(tokenName);
  }
}

/** One line per mode for the bench's output and notes. Pure. */
export function describeAuthCost(cost: AuthCost): string[] {
  const int = (n: number) => Math.round(n).toLocaleString('en-US');
  const pct = (share: number) => `${Math.round(share * 100)}%`;
  const errors = (m: AuthModeCost) => m.rounds.reduce((n, r) => n + r.errors, 0);
  const cpu = (m: AuthModeCost, unit: string) =>
    `receiver CPU ${m.cpuUsOn.toFixed(1)} µs a ${unit} with auth on, ${m.cpuUsOff.toFixed(1)} off (${m.cpuRatio >= 1 ? '+' : ''}${Math.round((m.cpuRatio - 1) * 100)}%)`;
  return [
    `receiver auth checks alone (in-process, cached token): ${cost.checksUs.batch.toFixed(1)} µs a batch request, ${cost.checksUs.single.toFixed(1)} µs a single-reading one`,
    `receiver with RECEIVER_AUTH=on, batch requests: ${int(cost.batch.on)} readings/s = ${pct(cost.batch.share)} of ${int(cost.batch.off)} with auth off (same run, rounds off/on/on/off; target >= ${pct(AUTH_TARGET_SHARE)}); ${cpu(cost.batch, 'reading')}; ${errors(cost.batch)} errors`,
    `receiver with RECEIVER_AUTH=on, single-reading requests: ${int(cost.single.on)} requests/s = ${pct(cost.single.share)} of ${int(cost.single.off)} with auth off (same run, rounds off/on/on/off; target >= ${pct(AUTH_TARGET_SHARE)}); ${cpu(cost.single, 'request')}; ${errors(cost.single)} errors`,
  ];
}
