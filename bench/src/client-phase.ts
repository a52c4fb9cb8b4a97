// The client library's sustained throughput against the simulator's raw batch posting, on one receiver
// in one run (issue 12: the client must sustain >= 90% of it). Rounds come in pairs, simulator and
// client back to back (alternating which goes first), so a drift of the machine weighs on both alike.
// Both post the same load (250 sensor items of temperature and humidity, 500 readings a request, 8 in
// flight). The simulator sends bodies as they are today (no id, no time); the client builds its own
// from record() calls, with a client id and a time on each item, gzip-compressed, as shipped.
import { createClient, type Counters } from '../../client/src';
import { seededRandom } from '../../tester/src/seeded-random';
import { type BenchContext, phaseNames, startStack, stopStack, withCpu } from './bench-context';
import { TWO_METRICS } from './pipeline-phases';
import { metricValue } from './reading-bodies';
import { runSimulation } from './simulation';

export const CLIENT_TARGET_SHARE = 0.9;

export interface ClientRound {
  readings: number;
  seconds: number;
  readingsPerSecond: number;
}

export interface ClientThroughput {
  /** the simulator's rounds: raw batch requests built ahead, no compression, no retry */
  simulator: ClientRound[];
  /** the client's rounds: record() calls, batched, gzip, retried when needed */
  client: ClientRound[];
  simulatorReadingsPerSecond: number;
  clientReadingsPerSecond: number;
  /** client / simulator rate of each pair of rounds run back to back */
  pairShares: number[];
  /** the median of pairShares: the figure judged against the target */
  share: number;
  /** the client's counters over its rounds */
  counters: Omit<Counters, 'buffered'>;
  /** gzip: bytes on the wire per reading */
  wireBytesPerReading: number;
}

const rate = (rounds: ClientRound[]) =>
  rounds.reduce((n, r) => n + r.readings, 0) /
  Math.max(
    1e-9,
    rounds.reduce((s, r) => s + r.seconds, 0),
  );

/**
 * `record()` as fast as the client takes it for `durationS` (overflow 'block': the buffer's bound is
 * the back-pressure), then a flush; the rate is over the whole, flush included.
 */
export async function driveClient(
  url: string,
  options: {
    sensors: number;
    sensorPrefix: string;
    durationS: number;
    readingsPerRequest: number;
    concurrency: number;
    seed: number;
    gzip?: boolean;
  },
): Promise<{ round: ClientRound; counters: Counters }> {
  const client = createClient({
    url,
    maxItems: options.readingsPerRequest,
    maxWaitMs: 50,
    concurrency: options.concurrency,
    overflow: 'block',
    // room for the batches in flight and as many again being filled
    maxBufferedReadings: options.readingsPerRequest * options.concurrency * 2,
    retry: { maxElapsedMs: 30_000 },
    gzip: options.gzip ?? true,
  });
  const random = seededRandom(options.seed);
  const metrics = TWO_METRICS;
  const values: Record<string, number> = {};
  const start = performance.now();
  const durationMs = options.durationS * 1000;
  let n = 0;
  try {
    while (performance.now() - start < durationMs) {
      for (let i = 0; i < 250; i++, n++) {
        for (const m of metrics) values[m] = metricValue(m, 0.3, random);
        const wait = client.record(`${options.sensorPrefix}${n % options.sensors}`, values);
        if (wait) await wait;
      }
      // let the sockets and timers run even while the buffer has room
      await new Promise((r) => setImmediate(r));
    }
    await client.flush();
  } finally {
    await client.close({ timeoutMs: 10_000 });
  }
  const seconds = (performance.now() - start) / 1000;
  const counters = client.stats();
  return { round: { readings: counters.sent, seconds, readingsPerSecond: counters.sent / seconds }, counters };
}

/** Median of the numbers (the mean of the middle two for an even count); NaN for none. Pure. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The client's share of the simulator's rate, round pair by round pair (pair i: simulator round i and
 * client round i, run back to back). Pure.
 */
export function pairShares(simulator: readonly ClientRound[], client: readonly ClientRound[]): number[] {
  return client.slice(0, simulator.length).map((c, i) => c.readingsPerSecond / simulator[i].readingsPerSecond);
}

/** Round order: pairs back to back, the order within a pair alternating (sim, client, client, sim, ...). */
export const ROUND_PAIRS = 4;

export async function measureClientThroughput(ctx: BenchContext): Promise<ClientThroughput> {
  const phase = 'client';
  const plan = ctx.plan.receiver;
  const stack = await startStack(ctx, phase, phaseNames(ctx, phase), ['receiver']);
  const receiver = stack.receiver!;
  const roundS = Math.max(1.5, plan.durationS / ROUND_PAIRS);
  const readingsPerRequest = plan.batchItems * TWO_METRICS.length;
  const simulate = (durationS: number, seed: number) =>
    runSimulation({
      url: receiver.baseUrl,
      poster: 'raw',
      sensors: ctx.plan.sensors,
      rate: 0,
      overThreshold: 0.3,
      seed,
      sensorPrefix: `c${ctx.runId}sim-`,
      mode: 'batch',
      metrics: TWO_METRICS,
      batchSize: plan.batchItems,
      concurrency: plan.batchConcurrency,
      durationS,
    });
  const drive = (durationS: number, seed: number) =>
    driveClient(receiver.baseUrl, {
      sensors: ctx.plan.sensors,
      sensorPrefix: `c${ctx.runId}lib-`,
      durationS,
      readingsPerRequest,
      concurrency: plan.batchConcurrency,
      seed,
    });
  try {
    await simulate(plan.warmupS, 1);
    await drive(plan.warmupS, 1);
    const simulator: ClientRound[] = [];
    const client: ClientRound[] = [];
    const counters: Omit<Counters, 'buffered'> = {
      recorded: 0,
      sent: 0,
      requests: 0,
      retried: 0,
      dropped: 0,
      rejected: 0,
      bytesSent: 0,
    };
    const simRound = async (seed: number) => {
      const r = await withCpu(ctx, 'client: simulator', () => simulate(roundS, seed));
      simulator.push({ readings: r.readingsAccepted, seconds: r.windowS, readingsPerSecond: r.readingsPerSecond });
    };
    const clientRound = async (seed: number) => {
      const r = await withCpu(ctx, 'client: library', () => drive(roundS, seed));
      client.push(r.round);
      for (const k of Object.keys(counters) as (keyof typeof counters)[]) counters[k] += r.counters[k];
    };
    for (let pair = 0; pair < ROUND_PAIRS; pair++) {
      // the machine is shared: other tenants come and go, so the rounds are short, in pairs back to
      // back, and the share is the median of the pairs' (a burst of load spoils one pair, not the figure)
      if (pair % 2 === 0) {
        await simRound(pair + 2);
        await clientRound(pair + 2);
      } else {
        await clientRound(pair + 2);
        await simRound(pair + 2);
      }
    }
    const shares = pairShares(simulator, client);
    return {
      simulator,
      client,
      simulatorReadingsPerSecond: rate(simulator),
      clientReadingsPerSecond: rate(client),
      pairShares: shares,
      share: median(shares),
      counters,
      wireBytesPerReading: counters.sent ? counters.bytesSent / counters.sent : 0,
    };
  } finally {
    await stopStack(ctx, phase, stack);
  }
}
