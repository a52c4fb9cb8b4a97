// What every phase of the bench shares: configuration, clients, the services it started, the names it
// created (cleaned up at the end), and the CPU and memory it measured.
import path from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { type Config, describeSettings, type Logger } from '../../shared/src';
import type { BenchPlan } from './bench-plan';
import type { BenchResult, CpuByProcess, SaverWrites } from './bench-result';
import type { CpuMeter, PidGroups } from './cpu-meter';
import { metricSum, parsePrometheusText, type Sample } from './prometheus-text';
import { peakRssMb, pidsByCommand, pidStat } from './proc-stats';
import { speedProbe } from './speed-probe';
import { type PhaseNames, serviceEnvironment } from './service-environment';
import { freePort, type ServiceName, type ServiceProcess, serviceProcess } from './service-process';

export interface BenchContext {
  runId: string;
  plan: BenchPlan;
  config: Config;
  logger: Logger;
  kafka: Kafka;
  admin: Admin;
  pool: Pool;
  databaseUrl: string;
  logDir: string;
  cpu: CpuMeter;
  kafkaPids: number[];
  running: Set<ServiceProcess>;
  peakRssMb: BenchResult['peakRssMb'];
  memory: BenchResult['memory'];
  cpuByPhase: Record<string, CpuByProcess>;
  /** machine speed before each phase relative to before the first one (1.0 = as fast) */
  speedByPhase: Record<string, number>;
  firstProbeMs?: number;
  notes: string[];
  /** set on SIGINT/SIGTERM: no service is started any more */
  aborted: boolean;
  say(line: string): void;
}

export class BenchAborted extends Error {
  override readonly name = 'BenchAborted';
}

/** Topics, groups and Redis keys of a phase, all under `bench-<run>-` (what the clean-up removes). */
export function phaseNames(ctx: BenchContext, phase: string): PhaseNames {
  const base = `bench-${ctx.runId}-${phase}`;
  const names: PhaseNames = {
    readingsTopic: `${base}.readings`,
    eventsTopic: `${base}.events`,
    deadLetterTopic: `${base}.dead-letter`,
    processorGroup: `${base}-processor`,
    saverGroup: `${base}-saver`,
    redisKeyPrefix: `${base}:`,
  };
  return names;
}

export type Stack = Partial<Record<ServiceName, ServiceProcess>>;

/** Starts `services` (in parallel) on free ports with the phase's names; `names` may point at another phase's topics. */
export async function startStack(
  ctx: BenchContext,
  phase: string,
  names: PhaseNames,
  services: readonly ServiceName[],
): Promise<Stack> {
  const env = serviceEnvironment(
    names,
    ctx.databaseUrl,
    process.env,
    describeSettings().map((s) => s.env),
  );
  const stack: Stack = {};
  for (const service of services) {
    if (ctx.aborted) throw new BenchAborted('interrupted');
    const p = serviceProcess(service, `${phase}-${service}`, await freePort(), env, ctx.logDir);
    stack[service] = p;
    ctx.running.add(p);
  }
  await Promise.all(Object.values(stack).map((p) => p.start()));
  if (ctx.aborted) throw new BenchAborted('interrupted');
  return stack;
}

/** Records each service's memory (before it exits) and stops them. */
export async function stopStack(ctx: BenchContext, phase: string, stack: Stack): Promise<void> {
  await recordMemory(ctx, phase, stack);
  await Promise.all(
    Object.values(stack).map(async (p) => {
      const code = await p.stop();
      ctx.running.delete(p);
      if (code !== 0)
        ctx.notes.push(`${p.name} exited with ${code} on SIGTERM (log: ${path.relative(process.cwd(), p.logFile)})`);
    }),
  );
}

const MB = 1024 * 1024;

/**
 * Each service's peak resident set (VmHWM, since its start) and, from its /metrics, the V8 heap and
 * the memory outside it at this moment: tells live data from a heap the GC has not shrunk yet.
 */
export async function recordMemory(ctx: BenchContext, phase: string, stack: Stack): Promise<void> {
  for (const [service, p] of Object.entries(stack)) {
    const peak = peakRssMb(p.pid);
    if (peak === undefined) continue;
    const samples = await scrape(p).catch(() => undefined);
    const mb = (name: string) => (samples ? metricSum(samples, name) / MB : undefined);
    (ctx.memory[phase] ??= {})[service] = {
      peakRssMb: peak,
      heapUsedMb: mb('nodejs_heap_size_used_bytes'),
      heapTotalMb: mb('nodejs_heap_size_total_bytes'),
      externalMb: mb('nodejs_external_memory_bytes'),
    };
    const known = ctx.peakRssMb[service];
    if (!known || peak > known.mb) ctx.peakRssMb[service] = { mb: peak, phase };
  }
}

export async function scrape(p: ServiceProcess): Promise<Sample[]> {
  const res = await fetch(`${p.baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${p.name} /metrics answered ${res.status}`);
  return parsePrometheusText(await res.text());
}

export async function metric(p: ServiceProcess, name: string, labels: Record<string, string> = {}): Promise<number> {
  return metricSum(await scrape(p), name, labels);
}

/** The saver's transactions between two scrapes of its /metrics, over `seconds`. Pure. */
export function saverWrites(before: Sample[], after: Sample[], seconds: number): SaverWrites {
  const delta = (name: string) => metricSum(after, name) - metricSum(before, name);
  const transactions = delta('saver_write_seconds_count');
  const busy = delta('saver_write_seconds_sum');
  return {
    transactions,
    rowsPerTransaction: transactions ? delta('saver_batch_rows_sum') / transactions : 0,
    msPerTransaction: transactions ? (busy * 1000) / transactions : 0,
    busyShare: seconds > 0 ? busy / seconds : 0,
  };
}

/** The process groups whose CPU the bench reports: the services running now, the infrastructure, itself. */
export function pidGroups(ctx: BenchContext): PidGroups {
  const services: Record<string, number[]> = {};
  for (const p of ctx.running) if (p.pid !== undefined) (services[p.service] ??= []).push(p.pid);
  const groups: PidGroups = Object.fromEntries(Object.entries(services).map(([name, pids]) => [name, { pids }]));
  groups.bench = { pids: [process.pid] };
  groups.kafka = { pids: ctx.kafkaPids };
  const postgres = pidsByCommand('postgres');
  // the postmaster: the postgres process whose parent is not one
  const postmaster = postgres.find((pid) => !postgres.includes(pidStat(pid)?.ppid ?? -1));
  groups.postgres = { pids: postgres, reaper: postmaster };
  groups.redis = { pids: pidsByCommand('redis-server') };
  return groups;
}

/**
 * The machine's speed now, relative to the first probe, stored under `phase`. Call it while the machine
 * is otherwise idle: before starting services that get to work at once (consumers of a pre-loaded topic).
 */
export function probeSpeed(ctx: BenchContext, phase: string): void {
  const probeMs = speedProbe();
  ctx.firstProbeMs ??= probeMs;
  ctx.speedByPhase[phase] = ctx.firstProbeMs / probeMs;
}

/**
 * Runs `work` measuring the CPU of every group, and stores it under `phase`, with the machine's speed
 * just before unless it was probed already (speed-probe.ts; relative to the first phase's).
 */
export async function withCpu<T>(ctx: BenchContext, phase: string, work: () => Promise<T>): Promise<T> {
  if (ctx.speedByPhase[phase] === undefined) probeSpeed(ctx, phase);
  const { value, cores } = await ctx.cpu.measure(work);
  ctx.cpuByPhase[phase] = cores;
  return value;
}

export async function waitUntil(
  what: string,
  timeoutMs: number,
  intervalMs: number,
  probe: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let ok = false;
    try {
      ok = await probe();
    } catch {
      ok = false;
    }
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
