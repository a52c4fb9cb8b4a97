// Receiver, processor and saver together, on one stack (tables truncated first, so every row counted
// is this phase's):
//  1. the e2e target: batch requests paced at BENCH_E2E_RATE for BENCH_E2E_S, the backlog (accepted -
//     stored) sampled every second, the drain timed, the rows counted;
//  2. event latency at a moderate rate, split where the processor hands the event to Kafka;
//  3. the same load at full speed: what the pipeline stores per second when HTTP takes all it can.
import { randomUUID } from 'node:crypto';
import { createConsumer, eventCodec } from '../../shared/src';
import {
  type BenchContext,
  phaseNames,
  recordMemory,
  saverWrites,
  scrape,
  type Stack,
  startStack,
  stopStack,
  waitUntil,
  withCpu,
} from './bench-context';
import type { BacklogSample, EndToEnd, EndToEndFullSpeed, EventLatency, SaverWrites } from './bench-result';
import { summarize } from './latency-histogram';
import { TWO_METRICS, truncateData } from './pipeline-phases';
import { metricSum } from './prometheus-text';
import { eventIdFor } from '../../processor/src/alarm-state';
import { clientReadingId, WARNING_THRESHOLD } from './reading-bodies';
import { runSimulation, type SimulationOptions, type SimulationResult } from './simulation';
import { backlogTrend, latencyRunRate, slope, sustainedRate, TARGETS } from './targets';

export interface Counters {
  processed: number;
  events: number;
  stored: number;
  storedEvents: number;
}

export async function counters(stack: Stack): Promise<Counters> {
  const [p, s] = await Promise.all([scrape(stack.processor!), scrape(stack.saver!)]);
  return {
    processed: metricSum(p, 'processor_readings_total'),
    events: metricSum(p, 'processor_events_total'),
    stored: metricSum(s, 'saver_rows_written_total', { table: 'readings' }),
    storedEvents: metricSum(s, 'saver_rows_written_total', { table: 'events' }),
  };
}

/** Runs a load while sampling, every second, what was accepted, processed and stored since it started. */
export async function loadWithTimeline(
  stack: Stack,
  options: Omit<SimulationOptions, 'onProgress' | 'progressEveryMs'>,
): Promise<{ load: SimulationResult; timeline: BacklogSample[]; before: Counters; after: Counters }> {
  const before = await counters(stack);
  const timeline: BacklogSample[] = [];
  let accepted = 0;
  let running = true;
  let wake: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const start = performance.now();
  const sampler = (async () => {
    while (running) {
      await Promise.race([new Promise((r) => setTimeout(r, 1000)), stopped]);
      if (!running) break;
      const t = (performance.now() - start) / 1000;
      const acceptedNow = accepted;
      const c = await counters(stack).catch(() => undefined);
      if (c) {
        timeline.push({
          t,
          accepted: acceptedNow,
          processed: c.processed - before.processed,
          stored: c.stored - before.stored,
        });
      }
    }
  })();
  const load = await runSimulation({
    ...options,
    progressEveryMs: 100,
    onProgress: (p) => {
      accepted = p.readingsAccepted;
    },
  });
  const after = await counters(stack);
  running = false;
  wake();
  await sampler;
  return { load, timeline, before, after };
}

/** Waits until every reading accepted so far is stored and every event raised is stored; returns the seconds waited. */
export async function drain(ctx: BenchContext, stack: Stack, acceptedTotal: number, what: string): Promise<number> {
  const start = performance.now();
  await waitUntil(what, ctx.plan.drainTimeoutS * 1000, 200, async () => {
    const c = await counters(stack);
    return c.processed >= acceptedTotal && c.stored >= acceptedTotal && c.storedEvents >= c.events;
  });
  return (performance.now() - start) / 1000;
}

/** Reads the events topic meanwhile, keeping the time the processor produced each event (its Kafka timestamp). */
async function eventTimestamps(ctx: BenchContext, topic: string, idPrefix: string) {
  const consumer = createConsumer(
    ctx.kafka,
    ctx.config.kafka,
    `bench-${ctx.runId}-event-times-${randomUUID().slice(0, 8)}`,
    100,
  );
  const producedAt = new Map<string, number>();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        const id = eventCodec.decode(m.value).id;
        if (id.startsWith(idPrefix)) producedAt.set(id, Number(m.timestamp));
      }
    },
  });
  return { producedAt, stop: () => consumer.disconnect() };
}

export async function measureEndToEnd(
  ctx: BenchContext,
): Promise<{ e2e: EndToEnd; latency: EventLatency; fullSpeed: EndToEndFullSpeed }> {
  await truncateData(ctx);
  const plan = ctx.plan;
  const names = phaseNames(ctx, 'e2e');
  const stack = await startStack(ctx, 'e2e', names, ['receiver', 'processor', 'saver']);
  const url = stack.receiver!.baseUrl;
  const batchLoad = {
    url,
    sensors: plan.sensors,
    metrics: TWO_METRICS,
    overThreshold: 0.3,
    mode: 'batch' as const,
  };
  let acceptedTotal = 0;
  try {
    // 1. the target: paced
    const paced = await withCpu(ctx, 'e2e', () =>
      loadWithTimeline(stack, {
        ...batchLoad,
        rate: plan.e2e.rate,
        durationS: plan.e2e.durationS,
        batchSize: plan.e2e.batchItems,
        concurrency: plan.e2e.concurrency,
        seed: 5,
        sensorPrefix: `b${ctx.runId}e2e-`,
      }),
    );
    await recordMemory(ctx, 'e2e', stack);
    acceptedTotal += paced.load.readingsAccepted;
    const drainS = await drain(ctx, stack, acceptedTotal, 'the pipeline to store every accepted reading');
    const { rows } = await ctx.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM readings');
    const storedRows = rows[0].n;
    const trend = backlogTrend(paced.timeline, plan.e2e.durationS, plan.e2e.rate);
    const e2e: EndToEnd = {
      durationS: plan.e2e.durationS,
      load: paced.load,
      storedPerSecond: (paced.after.stored - paced.before.stored) / paced.load.windowS,
      backlogAtEnd: trend.atEnd,
      backlogSlopePerS: trend.slopePerS,
      backlogGrew: trend.grew,
      drainS,
      storedRows,
      lost: Math.max(0, paced.load.readingsAccepted - storedRows),
      extra: Math.max(0, storedRows - paced.load.readingsAccepted),
      timeline: paced.timeline,
    };
    ctx.say(
      `  paced: ${Math.round(paced.load.readingsPerSecond)} accepted/s, ${Math.round(e2e.storedPerSecond)} stored/s, backlog ${trend.grew ? 'grew' : 'steady'}, drained in ${drainS.toFixed(1)} s, ${e2e.lost} lost`,
    );

    // 2. event latency, split at the event's Kafka timestamp
    const rate = latencyRunRate(TARGETS.eventLatencyRate, sustainedRate(e2e));
    if (rate < TARGETS.eventLatencyRate) {
      ctx.notes.push(
        `event latency measured at ${rate} readings/s: the pipeline sustained less than 125% of ${TARGETS.eventLatencyRate}`,
      );
    }
    const sensorPrefix = `b${ctx.runId}lat-`;
    const events = await eventTimestamps(ctx, names.eventsTopic, `c/${sensorPrefix}`);
    // keyed by the id of the event the reading raises under the default rule (`<reading id>:temperature`)
    const acceptedAt = new Map<string, number>();
    let latencyLoad: SimulationResult;
    const saverBefore = await scrape(stack.saver!);
    const latencyStart = performance.now();
    let writes: SaverWrites;
    try {
      latencyLoad = await withCpu(ctx, 'latency', () =>
        runSimulation({
          ...batchLoad,
          rate,
          durationS: plan.latency.durationS,
          batchSize: plan.latency.batchItems,
          concurrency: plan.latency.concurrency,
          seed: 9,
          sensorPrefix,
          clientIds: true,
          onAccepted: (readings, at) => {
            for (const r of readings) {
              if (r.metric === 'temperature' && r.value >= WARNING_THRESHOLD)
                acceptedAt.set(eventIdFor(clientReadingId(r), 'temperature'), at);
            }
          },
        }),
      );
      writes = saverWrites(saverBefore, await scrape(stack.saver!), (performance.now() - latencyStart) / 1000);
      await recordMemory(ctx, 'latency', stack);
      acceptedTotal += latencyLoad.readingsAccepted;
      await drain(ctx, stack, acceptedTotal, 'the pipeline to store the latency run');
    } finally {
      await events.stop();
    }
    const stored = await ctx.pool.query<{ id: string; stored_ms: number }>(
      `SELECT id, (extract(epoch FROM stored_at) * 1000)::float8 AS stored_ms FROM events WHERE sensor_id LIKE $1`,
      [`${sensorPrefix}%`],
    );
    const total: number[] = [];
    const toKafka: number[] = [];
    const toPostgres: number[] = [];
    let unmatched = 0;
    for (const e of stored.rows) {
      const at = acceptedAt.get(e.id);
      if (at === undefined) {
        unmatched += 1;
        continue;
      }
      total.push(e.stored_ms - at);
      const produced = events.producedAt.get(e.id);
      if (produced !== undefined) {
        toKafka.push(produced - at);
        toPostgres.push(e.stored_ms - produced);
      }
    }
    const latency: EventLatency = {
      targetRate: rate,
      load: latencyLoad,
      events: stored.rows.length,
      unmatched,
      latencyMs: summarize(total),
      toEventsTopicMs: summarize(toKafka),
      eventsTopicToStoredMs: summarize(toPostgres),
      saverWrites: writes,
    };
    ctx.say(
      `  event latency at ${rate}/s: p50 ${Math.round(latency.latencyMs.p50)} ms, p99 ${Math.round(latency.latencyMs.p99)} ms over ${latency.events} events (to the events topic p50 ${Math.round(latency.toEventsTopicMs.p50)} ms, then to PostgreSQL p50 ${Math.round(latency.eventsTopicToStoredMs.p50)} ms)`,
    );

    // 3. full speed
    const full = await withCpu(ctx, 'e2e full speed', () =>
      loadWithTimeline(stack, {
        ...batchLoad,
        rate: 0,
        durationS: plan.e2e.fullSpeedS,
        batchSize: plan.receiver.batchItems,
        concurrency: plan.receiver.batchConcurrency,
        seed: 13,
        sensorPrefix: `b${ctx.runId}max-`,
      }),
    );
    acceptedTotal += full.load.readingsAccepted;
    const fullDrainS = await drain(ctx, stack, acceptedTotal, 'the pipeline to store the full-speed run');
    const count = await ctx.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM readings');
    const steady = full.timeline.filter((p) => p.t >= plan.e2e.fullSpeedS * 0.2);
    const last = full.timeline[full.timeline.length - 1];
    const fullSpeed: EndToEndFullSpeed = {
      durationS: plan.e2e.fullSpeedS,
      load: full.load,
      processedPerSecond: slope(steady.map((p) => ({ x: p.t, y: p.processed }))),
      storedPerSecond: slope(steady.map((p) => ({ x: p.t, y: p.stored }))),
      backlogAtEnd: last ? last.accepted - last.stored : 0,
      drainS: fullDrainS,
      lost: Math.max(0, acceptedTotal - count.rows[0].n),
      timeline: full.timeline,
    };
    ctx.say(
      `  full speed: ${Math.round(full.load.readingsPerSecond)} accepted/s, ${Math.round(fullSpeed.processedPerSecond)} processed/s, ${Math.round(fullSpeed.storedPerSecond)} stored/s, drained in ${fullDrainS.toFixed(1)} s, ${fullSpeed.lost} lost`,
    );
    return { e2e, latency, fullSpeed };
  } finally {
    await stopStack(ctx, 'e2e full speed', stack);
  }
}
