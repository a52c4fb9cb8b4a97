// The cost of many rules (issue 9): the processor alone on the pre-loaded readings topic with
//  (a) the default rule (temperature >= 95, three in a row),
//  (b) 100 rules: 10 metrics × 10 sensor patterns,
//  (c) 1,000 rules: 10 metrics × 100 sensor patterns,
// in alternating rounds (a b c a b c ...), so a slow spell of the machine hits every rule set alike;
// each round is a fresh processor (own group, events topic, Redis prefix) timed through the same
// first readings of the topic. Reported: each set's median rate and, per cycle, its rate as a share
// of (a)'s in the same cycle; the share is the median of those.
//
// The readings: the pre-load (kafka-limits.ts) carries temperature and humidity for 1,000 sensors
// `bench-<run>-pre-<n>`. The rule sets watch those two metrics and eight more that the readings do not
// carry (pressure, co2, ...): a real fleet's rule set names metrics a given sensor does not send, and
// the processor must still find, per (sensor, metric), which rules apply. The sensor patterns split
// the fleet by the end of the sensor number (`*3`, or `*07` and `*-7`), so each (sensor, metric) of a
// reading matches exactly one rule in (b) and in (c): (b) against (c) is the cost of the rule count
// alone. (b) against (a) also pays for the humidity readings being evaluated at all (under the
// default rule they have no rule and cost nothing): that is what a user adding rules for a metric
// pays, and the target is stated against the default rule. Temperature rules keep the default's
// threshold and N, so the same readings warn and raise; humidity rules warn at >= 68 (about 5% of the
// pre-load's humidity values, 30..70).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeSettings } from '../../shared/src';
import { type BenchContext, BenchAborted, metric, probeSpeed, waitUntil, withCpu } from './bench-context';
import { median } from './latency-histogram';
import { serviceEnvironment } from './service-environment';
import { freePort, serviceProcess } from './service-process';

export const RULES_TARGETS = { hundred: 0.8, thousand: 0.5 } as const;

/** Readings each round times and cycles of (a b c): a full run, or a quick one (BENCH_QUICK=1). Pure. */
export function ruleCostPlan(quick: boolean): { readingsPerRound: number; cycles: number } {
  return quick ? { readingsPerRound: 60_000, cycles: 2 } : { readingsPerRound: 500_000, cycles: 3 };
}

export const RULE_SETS = ['default', 'hundred', 'thousand'] as const;
export type RuleSetName = (typeof RULE_SETS)[number];

/** Ten metrics: the two the pre-load carries first. */
export const BENCH_METRICS = [
  'temperature',
  'humidity',
  'pressure',
  'co2',
  'voltage',
  'current',
  'vibration',
  'noise',
  'light',
  'flow',
] as const;

/** Rounds in the order they run: the sets alternate, `cycles` times. Pure. */
export function roundSchedule(cycles: number): RuleSetName[] {
  const out: RuleSetName[] = [];
  for (let i = 0; i < cycles; i++) out.push(...RULE_SETS);
  return out;
}

/**
 * `count` sensor patterns (10 or 100) splitting sensors `<prefix><n>` (n = 0..999) by n mod count:
 * pattern i matches the numbers ending in i's last digit(s). For 100 the numbers 0..9 end in one digit
 * only, so pattern i < 10 also carries `*-i`. Pure.
 */
export function suffixPatterns(count: 10 | 100): string[][] {
  if (count === 10) return Array.from({ length: 10 }, (_, i) => [`*${i}`]);
  return Array.from({ length: 100 }, (_, i) => (i < 10 ? [`*0${i}`, `*-${i}`] : [`*${i}`]));
}

interface BenchRule {
  name: string;
  metric: string;
  comparison: '>=';
  threshold: number;
  warningsForEvent: number;
  sensors?: string[];
}

const THRESHOLDS: Record<string, number> = { temperature: 95, humidity: 68 };

/** The rule set of a round, as PROCESSOR_RULES / the config file's processor.rules takes it. Pure. */
export function benchRuleSet(name: RuleSetName): BenchRule[] {
  if (name === 'default')
    return [{ name: 'temperature', metric: 'temperature', comparison: '>=', threshold: 95, warningsForEvent: 3 }];
  const patterns = suffixPatterns(name === 'hundred' ? 10 : 100);
  return BENCH_METRICS.flatMap((m) =>
    patterns.map((sensors, i) => ({
      name: `${m}-${i}`,
      metric: m,
      comparison: '>=' as const,
      threshold: THRESHOLDS[m] ?? 1000,
      warningsForEvent: 3,
      sensors,
    })),
  );
}

export interface RuleCostRound {
  set: RuleSetName;
  rules: number;
  readingsPerSecond: number;
  events: number;
  /** the processor's CPU per reading over the timed part (NaN when not measured) */
  cpuUsPerReading: number;
}

export interface RuleCostShare {
  set: RuleSetName;
  rules: number;
  medianReadingsPerSecond: number;
  /** per cycle: the set's rate over the default rule's in the same cycle */
  cycleShares: number[];
  /** the median of cycleShares */
  share: number;
  medianCpuUsPerReading: number;
  /**
   * the same share from the processor's CPU per reading (default's µs / this set's, median of the
   * cycles): what the throughput share would be with a core to itself, less moved by other processes
   */
  cpuShare: number;
}

export interface RuleCost {
  readingsPerRound: number;
  cycles: number;
  rounds: RuleCostRound[];
  sets: RuleCostShare[];
}

/** Each set's median rate and its share of the default rule's, cycle by cycle (rounds in schedule order). Pure. */
export function ruleCostShares(rounds: readonly RuleCostRound[]): RuleCostShare[] {
  const cycles: Array<Partial<Record<RuleSetName, RuleCostRound>>> = [];
  let cycle: Partial<Record<RuleSetName, RuleCostRound>> = {};
  for (const r of rounds) {
    if (r.set in cycle) {
      cycles.push(cycle);
      cycle = {};
    }
    cycle[r.set] = r;
  }
  if (Object.keys(cycle).length) cycles.push(cycle);
  const sharesOf = (set: RuleSetName, ratio: (mine: RuleCostRound, base: RuleCostRound) => number) =>
    cycles
      .filter((c) => c[set] !== undefined && c.default !== undefined)
      .map((c) => ratio(c[set] as RuleCostRound, c.default as RuleCostRound))
      .filter((x) => Number.isFinite(x));
  const medianOrNaN = (xs: number[]) => (xs.length ? median(xs) : Number.NaN);
  return RULE_SETS.map((set) => {
    const mine = rounds.filter((r) => r.set === set);
    const cycleShares = sharesOf(set, (m, b) => m.readingsPerSecond / b.readingsPerSecond);
    return {
      set,
      rules: mine[0]?.rules ?? 0,
      medianReadingsPerSecond: median(mine.map((r) => r.readingsPerSecond)),
      cycleShares,
      share: medianOrNaN(cycleShares),
      medianCpuUsPerReading: medianOrNaN(mine.map((r) => r.cpuUsPerReading).filter((x) => Number.isFinite(x))),
      cpuShare: medianOrNaN(sharesOf(set, (m, b) => b.cpuUsPerReading / m.cpuUsPerReading)),
    };
  });
}

/** One line per set for the console and the notes. Pure. */
export function describeRuleCost(cost: RuleCost): string[] {
  const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
  const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '-');
  return cost.sets.map((s) => {
    const base = `processor with ${s.set === 'default' ? 'the default rule' : `${int(s.rules)} rules`}: ${int(s.medianReadingsPerSecond)} readings/s (median of ${cost.cycles} rounds of ${int(cost.readingsPerRound)} pre-loaded readings)`;
    if (s.set === 'default') return `${base}; processor CPU ${s.medianCpuUsPerReading.toFixed(1)} µs a reading`;
    const target = s.set === 'hundred' ? RULES_TARGETS.hundred : RULES_TARGETS.thousand;
    return `${base}, ${pct(s.share)} of the default rule's (median of the cycles: ${s.cycleShares.map(pct).join(', ')}); target >= ${pct(target)}; processor CPU ${s.medianCpuUsPerReading.toFixed(1)} µs a reading, ${pct(s.cpuShare)} of the default rule's rate by CPU`;
  });
}

/** A processor on the pre-loaded topic with `set`, timed from its first progress to `readings` readings. */
async function runRound(
  ctx: BenchContext,
  preloadTopic: string,
  set: RuleSetName,
  index: number,
  readings: number,
): Promise<RuleCostRound> {
  if (ctx.aborted) throw new BenchAborted('interrupted');
  const base = `bench-${ctx.runId}-rules${index}`;
  const rules = benchRuleSet(set);
  // a file, not PROCESSOR_RULES: 1,000 rules are more than one environment variable may hold (128 KiB)
  const configFile = path.join(ctx.logDir, `rules-${set}.json`);
  writeFileSync(configFile, JSON.stringify({ processor: { rules } }));
  const env = {
    ...serviceEnvironment(
      {
        readingsTopic: preloadTopic,
        eventsTopic: `${base}.events`,
        deadLetterTopic: `${base}.dead-letter`,
        processorGroup: `${base}-processor`,
        saverGroup: `${base}-saver`,
        redisKeyPrefix: `${base}:`,
      },
      ctx.databaseUrl,
      process.env,
      describeSettings()
        .map((s) => s.env)
        .filter((name) => name !== 'PROCESSOR_RULES'),
    ),
    METRICS_CONFIG_FILE: configFile,
  };
  const p = serviceProcess('processor', `rules${index}-${set}-processor`, await freePort(), env, ctx.logDir);
  ctx.running.add(p);
  // CPU and machine speed per rule set (the report keeps each set's last round): the speed probed
  // before the processor starts (it gets to work at once), its CPU over the timed part
  const phase = `rules: ${set}`;
  probeSpeed(ctx, phase);
  try {
    await p.start();
    let firstAt = 0;
    let firstCount = 0;
    let doneAt = 0;
    let doneCount = 0;
    await withCpu(ctx, phase, () =>
      waitUntil(
        `the processor (${set}) to go through ${readings} readings`,
        ctx.plan.drainTimeoutS * 1000,
        50,
        async () => {
          const n = await metric(p, 'processor_readings_total');
          const now = performance.now();
          if (n > 0 && firstAt === 0) {
            firstAt = now;
            firstCount = n;
          }
          if (n >= readings) {
            doneAt = now;
            doneCount = n;
          }
          return n >= readings;
        },
      ),
    );
    const seconds = (doneAt - firstAt) / 1000;
    const events = await metric(p, 'processor_events_total');
    const readingsPerSecond = seconds > 0 ? (doneCount - firstCount) / seconds : Number.NaN;
    // cores over the timed part (the meter's window, a little wider than first-progress to done)
    const cores = ctx.cpuByPhase[phase]?.processor;
    return {
      set,
      rules: rules.length,
      readingsPerSecond,
      events,
      cpuUsPerReading: cores !== undefined && readingsPerSecond > 0 ? (cores / readingsPerSecond) * 1e6 : Number.NaN,
    };
  } finally {
    const code = await p.stop();
    ctx.running.delete(p);
    if (code !== 0)
      ctx.notes.push(`${p.name} exited with ${code} on SIGTERM (log: ${path.relative(process.cwd(), p.logFile)})`);
  }
}

export async function measureRuleCost(ctx: BenchContext, preloadTopic: string, total: number): Promise<RuleCost> {
  const plan = ruleCostPlan(ctx.plan.quick);
  const readingsPerRound = Math.min(total, plan.readingsPerRound);
  const schedule = roundSchedule(plan.cycles);
  const rounds: RuleCostRound[] = [];
  for (const [i, set] of schedule.entries()) rounds.push(await runRound(ctx, preloadTopic, set, i, readingsPerRound));
  return { readingsPerRound, cycles: plan.cycles, rounds, sets: ruleCostShares(rounds) };
}
