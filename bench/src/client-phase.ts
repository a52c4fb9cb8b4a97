// The client library's sustained throughput against the simulator's raw batch posting, on one receiver
// in one run (issue 12: the client must sustain >= 90% of it). Rounds alternate simulator, client,
// client, simulator, so a drift of the machine during the phase weighs on both alike. Both post the
// same bodies (250 sensor items of temperature and humidity, 500 readings a request, 8 in flight); the
// client builds them from record() calls, gzip-compresses them, and acknowledges, as shipped.
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
  /** client / simulator */
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

export async function measureClientThroughput(ctx: BenchContext): Promise<ClientThroughput> {
  const phase = 'client';
  const plan = ctx.plan.receiver;
  const stack = await startStack(ctx, phase, phaseNames(ctx, phase), ['receiver']);
  const receiver = stack.receiver!;
  const roundS = Math.max(1, plan.durationS / 2);
  const readingsPerRequest = plan.batchItems * TWO_METRICS.length;
  const simulate = (durationS: number, seed: number) =>
    runSimulation({
      url: receiver.baseUrl,
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
      const r = await withCpu(ctx, `client: simulator ${seed}`, () => simulate(roundS, seed));
      simulator.push({ readings: r.readingsAccepted, seconds: r.windowS, readingsPerSecond: r.readingsPerSecond });
    };
    const clientRound = async (seed: number) => {
      const r = await withCpu(ctx, `client: library ${seed}`, () => drive(roundS, seed));
      client.push(r.round);
      for (const k of Object.keys(counters) as (keyof typeof counters)[]) counters[k] += r.counters[k];
    };
    await simRound(1);
    await clientRound(1);
    await clientRound(2);
    await simRound(2);
    const simulatorReadingsPerSecond = rate(simulator);
    const clientReadingsPerSecond = rate(client);
    return {
      simulator,
      client,
      simulatorReadingsPerSecond,
      clientReadingsPerSecond,
      share: clientReadingsPerSecond / simulatorReadingsPerSecond,
      counters,
      wireBytesPerReading: counters.sent ? counters.bytesSent / counters.sent : 0,
    };
  } finally {
    await stopStack(ctx, phase, stack);
  }
}
