// The services alone at full speed: the receiver under the simulator, the processor and the saver on a
// pre-loaded topic. (All of them together: e2e-phase.ts.)
import {
  type BenchContext,
  metric,
  phaseNames,
  probeSpeed,
  saverWrites,
  scrape,
  startStack,
  stopStack,
  waitUntil,
  withCpu,
} from './bench-context';
import type { ConsumerFigure, ReceiverProduces, SimulatedLoad } from './bench-result';
import { metricSum, type Sample } from './prometheus-text';
import { runSimulation } from './simulation';

export const TWO_METRICS = ['temperature', 'humidity'];

export async function truncateData(ctx: BenchContext): Promise<void> {
  await ctx.pool.query('TRUNCATE readings, readings_minute, events, sensor_metrics');
}

/** The receiver's Kafka sends between two scrapes of its /metrics. Pure. */
export function receiverProduces(before: Sample[], after: Sample[]): ReceiverProduces {
  const delta = (name: string) => metricSum(after, name) - metricSum(before, name);
  const produces = delta('receiver_produce_seconds_count');
  return {
    produces,
    readingsPerProduce: produces ? delta('receiver_produce_batch_readings_sum') / produces : 0,
    msPerProduce: produces ? (delta('receiver_produce_seconds_sum') * 1000) / produces : 0,
  };
}

/** The receiver alone, the simulator at full speed (after a warm-up), batch or single-reading requests. */
export async function measureReceiver(
  ctx: BenchContext,
  mode: 'batch' | 'single',
): Promise<{ load: SimulatedLoad; produces: ReceiverProduces }> {
  const phase = `receiver-${mode}`;
  const plan = ctx.plan.receiver;
  const stack = await startStack(ctx, phase, phaseNames(ctx, phase), ['receiver']);
  const receiver = stack.receiver!;
  try {
    const load = {
      url: receiver.baseUrl,
      sensors: ctx.plan.sensors,
      rate: 0,
      overThreshold: 0.3,
      seed: 3,
      sensorPrefix: `b${ctx.runId}${mode}-`,
      ...(mode === 'batch'
        ? { mode, metrics: TWO_METRICS, batchSize: plan.batchItems, concurrency: plan.batchConcurrency }
        : { mode, metrics: ['temperature'], batchSize: 1, concurrency: plan.singleConcurrency }),
    };
    await runSimulation({ ...load, durationS: plan.warmupS });
    const before = await scrape(receiver);
    const result = await withCpu(ctx, phase, () => runSimulation({ ...load, durationS: plan.durationS }));
    return { load: result, produces: receiverProduces(before, await scrape(receiver)) };
  } finally {
    await stopStack(ctx, phase, stack);
  }
}

/**
 * Polls a counter until it reaches `total`; the rate is timed from the first poll that saw progress
 * (so start-up and group join are left out) to the poll that saw the total.
 */
async function timeCounter(
  ctx: BenchContext,
  what: string,
  read: () => Promise<number>,
  total: number,
  startedAt: number,
): Promise<Omit<ConsumerFigure, 'events'>> {
  let firstAt = 0;
  let firstCount = 0;
  let doneAt = 0;
  await waitUntil(what, ctx.plan.drainTimeoutS * 1000, 100, async () => {
    const n = await read();
    const now = performance.now();
    if (n > 0 && firstAt === 0) {
      firstAt = now;
      firstCount = n;
    }
    if (n >= total) doneAt = now;
    return n >= total;
  });
  const seconds = (doneAt - firstAt) / 1000;
  return {
    readings: total,
    seconds,
    readingsPerSecond: seconds > 0 ? (total - firstCount) / seconds : Number.NaN,
    secondsFromStart: (doneAt - startedAt) / 1000,
  };
}

/** The processor on the pre-loaded topic, alone; returns its figure and the topic its events went to. */
export async function measureProcessor(
  ctx: BenchContext,
  preloadTopic: string,
  total: number,
): Promise<{ figure: ConsumerFigure; eventsTopic: string }> {
  const names = { ...phaseNames(ctx, 'processor'), readingsTopic: preloadTopic };
  probeSpeed(ctx, 'processor'); // before it starts: it gets to work at once
  const startedAt = performance.now();
  const stack = await startStack(ctx, 'processor', names, ['processor']);
  const processor = stack.processor!;
  try {
    const timed = await withCpu(ctx, 'processor', () =>
      timeCounter(
        ctx,
        'the processor to go through the pre-loaded readings',
        () => metric(processor, 'processor_readings_total'),
        total,
        startedAt,
      ),
    );
    const events = await metric(processor, 'processor_events_total');
    return { figure: { ...timed, events }, eventsTopic: names.eventsTopic };
  } finally {
    await stopStack(ctx, 'processor', stack);
  }
}

/** The saver on the pre-loaded readings and the processor's events, alone; rows counted in PostgreSQL at the end. */
export async function measureSaver(
  ctx: BenchContext,
  preloadTopic: string,
  eventsTopic: string,
  total: number,
  events: number,
): Promise<ConsumerFigure> {
  await truncateData(ctx);
  const names = { ...phaseNames(ctx, 'saver'), readingsTopic: preloadTopic, eventsTopic };
  probeSpeed(ctx, 'saver'); // before it starts: it gets to work at once
  const startedAt = performance.now();
  const stack = await startStack(ctx, 'saver', names, ['saver']);
  const saver = stack.saver!;
  try {
    const before = await scrape(saver);
    const timed = await withCpu(ctx, 'saver', () =>
      timeCounter(
        ctx,
        'the saver to store the pre-loaded readings',
        () => metric(saver, 'saver_rows_written_total', { table: 'readings' }),
        total,
        startedAt,
      ),
    );
    await waitUntil('the saver to store the events', 30_000, 200, async () => {
      return (await metric(saver, 'saver_rows_written_total', { table: 'events' })) >= events;
    });
    const { rows } = await ctx.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM readings');
    if (rows[0].n !== total) ctx.notes.push(`saver phase: ${rows[0].n} rows in readings, ${total} expected`);
    const writes = saverWrites(before, await scrape(saver), (performance.now() - startedAt) / 1000);
    const stored = await ctx.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    return { ...timed, events: stored.rows[0].n, saverWrites: writes };
  } finally {
    await stopStack(ctx, 'saver', stack);
  }
}
