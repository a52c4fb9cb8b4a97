// The live stream under load (issue 11: 100 open streams at 5,000 readings/s, the assessor under
// 256 MB and the stream's p99 under 1 s): a receiver and an assessor from dist/ on the bench's own
// topics; 100 streams, each selecting 50 of 1,000 sensors (every sensor watched by 5 streams, as 100
// dashboards' sensor pages would); the simulator posting 5,000 readings/s in batches of 10. Latency
// is from the moment the simulator has read a request's 200 to the moment a stream client has read
// the reading off its stream, for every (stream, reading) pair; the assessor's resident memory is
// sampled every second. The processor and the saver are not running: the stream reads the readings
// topic itself and does not wait for them.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { describeSettings } from '../../shared/src';
import type { BenchPlan } from './bench-plan';
import { createLatencyHistogram, type LatencySummary } from './latency-histogram';
import { parseProcStatus, peakRssMb } from './proc-stats';
import { metricSum, parsePrometheusText } from './prometheus-text';
import { serviceEnvironment } from './service-environment';
import { freePort, type ServiceProcess, serviceProcess } from './service-process';
import { runSimulation } from './simulation';

export const STREAM_TARGETS = { rssMb: 256, p99Ms: 1000 };
export const STREAMS = 100;
export const SENSORS_PER_STREAM = 50;

export interface StreamPhaseContext {
  runId: string;
  plan: BenchPlan;
  databaseUrl: string;
  logDir: string;
  running: Set<ServiceProcess>;
  say(line: string): void;
}

export interface StreamFigures {
  streams: number;
  sensors: number;
  sensorsPerStream: number;
  targetRate: number;
  durationS: number;
  /** readings answered 200 per second over the measured window */
  readingsPerSecond: number;
  /** (stream, reading) pairs expected, received, and received before the 200 was read */
  deliveriesExpected: number;
  deliveriesReceived: number;
  earlyDeliveries: number;
  /** from the 200 to the stream (0 for those received before the 200 was read) */
  latencyMs: LatencySummary;
  /** the assessor's resident set: the most sampled during the load, and its peak since its start (VmHWM) */
  assessorRssMb: number;
  assessorPeakRssMb: number;
  /** streams the assessor dropped as too slow (each would be a reconnecting dashboard) */
  slowDisconnects: number;
  postErrors: number;
}

/**
 * The sensors each stream selects: stream i takes `perStream` consecutive sensors from i × (sensors /
 * streams), wrapping, so every sensor is watched by the same number of streams. Pure.
 */
export function streamSelections(streams: number, sensors: number, perStream: number, prefix: string): string[][] {
  const step = sensors / streams;
  return Array.from({ length: streams }, (_, i) =>
    Array.from({ length: perStream }, (_, j) => `${prefix}${(Math.floor(i * step) + j) % sensors}`),
  );
}

/**
 * Pairs each (stream, reading) answered 200 with its arrival on that stream, whichever comes first
 * (a stream can deliver before the simulator has read the 200: Kafka shows a record to consumers once
 * it is replicated, when the receiver is told too). Readings are told apart by sensor, metric and
 * value, first in first out. Pure.
 */
export function createLatencyMatcher() {
  const accepted = new Map<string, number[]>();
  const arrived = new Map<string, number[]>();
  const histogram = createLatencyHistogram();
  let early = 0;
  let pending = 0;
  const take = (map: Map<string, number[]>, key: string): number | undefined => {
    const queue = map.get(key);
    if (!queue) return undefined;
    const t = queue.shift();
    if (queue.length === 0) map.delete(key);
    return t;
  };
  const put = (map: Map<string, number[]>, key: string, t: number) => {
    const queue = map.get(key);
    if (queue) queue.push(t);
    else map.set(key, [t]);
  };
  return {
    accepted(key: string, at: number) {
      const arrivedAt = take(arrived, key);
      if (arrivedAt === undefined) {
        put(accepted, key, at);
        pending++;
        return;
      }
      early++;
      histogram.record(Math.max(0, arrivedAt - at));
    },
    arrived(key: string, at: number) {
      const acceptedAt = take(accepted, key);
      if (acceptedAt === undefined) {
        put(arrived, key, at);
        return;
      }
      pending--;
      histogram.record(Math.max(0, at - acceptedAt));
    },
    get matched() {
      return histogram.count;
    },
    get early() {
      return early;
    },
    /** accepted and not (yet) seen on their stream */
    get pending() {
      return pending;
    },
    summary: () => histogram.summary(),
  };
}

/** One stream client: its reading messages handed to `onReading` as they are parsed. */
function openStreamClient(
  base: string,
  sensorIds: readonly string[],
  onReading: (data: { sensorId: string; metric: string; value: number }) => void,
): Promise<{ close(): void; ended: () => boolean }> {
  const query = sensorIds.map((id) => `sensorId=${encodeURIComponent(id)}`).join('&');
  return new Promise((resolve, reject) => {
    let ended = false;
    const req = http.get(`${base}/api/v1/stream?${query}`, { agent: false }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`the stream answered ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith('event: reading\ndata: ')) onReading(JSON.parse(block.slice(21)));
          end = buffer.indexOf('\n\n');
        }
      });
      res.on('close', () => {
        ended = true;
      });
      res.once('data', () => resolve({ close: () => req.destroy(), ended: () => ended }));
    });
    req.on('error', reject);
  });
}

const rssMbOf = (pid: number | undefined): number | undefined => {
  if (pid === undefined) return undefined;
  try {
    const kb = parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8')).vmRssKb;
    return kb === undefined ? undefined : kb / 1024;
  } catch {
    return undefined;
  }
};

async function scrapeMetric(p: ServiceProcess, name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${p.baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
  return metricSum(parsePrometheusText(await res.text()), name, labels);
}

export async function measureStreams(ctx: StreamPhaseContext): Promise<StreamFigures> {
  const base = `bench-${ctx.runId}-stream`;
  const env = {
    ...serviceEnvironment(
      {
        readingsTopic: `${base}.readings`,
        eventsTopic: `${base}.events`,
        deadLetterTopic: `${base}.dead-letter`,
        processorGroup: `${base}-processor`,
        saverGroup: `${base}-saver`,
        redisKeyPrefix: `${base}:`,
      },
      ctx.databaseUrl,
      process.env,
      describeSettings().map((s) => s.env),
    ),
    // the topics PhaseNames does not name: the bench's own too, never the running stack's
    KAFKA_ALARMS_TOPIC: `${base}.alarms`,
    KAFKA_RULES_TOPIC: `${base}.rules`,
    KAFKA_LOGS_TOPIC: `${base}.logs`,
    METRICS_STATE_DIR: `${ctx.logDir}/stream-state`,
  };
  const receiver = serviceProcess('receiver', 'stream-receiver', await freePort(), env, ctx.logDir);
  const assessor = serviceProcess('assessor', 'stream-assessor', await freePort(), env, ctx.logDir);
  ctx.running.add(receiver);
  ctx.running.add(assessor);
  const clients: Array<{ close(): void; ended: () => boolean }> = [];
  try {
    await Promise.all([receiver.start(), assessor.start()]);
    const prefix = `st${ctx.runId}-`;
    const sensors = ctx.plan.sensors;
    const selections = streamSelections(STREAMS, sensors, SENSORS_PER_STREAM, prefix);
    const watchers = new Map<string, number[]>();
    selections.forEach((ids, stream) => {
      for (const id of ids) watchers.set(id, [...(watchers.get(id) ?? []), stream]);
    });
    let matcher = createLatencyMatcher();
    const keyOf = (stream: number, r: { sensorId: string; metric: string; value: number }) =>
      `${stream}|${r.sensorId}|${r.metric}|${r.value}`;
    for (let s = 0; s < STREAMS; s++) {
      clients.push(
        await openStreamClient(assessor.baseUrl, selections[s], (r) => matcher.arrived(keyOf(s, r), Date.now())),
      );
    }
    // the assessor's consumer joins its group at start: wait until a posted reading comes through
    let probeSeen = false;
    const probeId = `${prefix}0`;
    const probe = await openStreamClient(assessor.baseUrl, [probeId], () => {
      probeSeen = true;
    });
    for (let i = 0; i < 300 && !probeSeen; i++) {
      await fetch(`${receiver.baseUrl}/api/v1/sensors/${probeId}/measurements`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ temperature: 20 }),
      });
      await new Promise((r) => setTimeout(r, 200));
    }
    probe.close();
    if (!probeSeen) throw new Error('no reading reached the stream within 60 s of the assessor start');

    const load = (
      durationS: number,
      seed: number,
      onAccepted?: (readings: readonly { sensorId: string; metric: string; value: number }[], at: number) => void,
    ) =>
      runSimulation({
        url: receiver.baseUrl,
        sensors,
        rate: ctx.plan.latency.targetRate,
        durationS,
        metrics: ['temperature'],
        overThreshold: 0,
        mode: 'batch',
        batchSize: ctx.plan.latency.batchItems,
        concurrency: ctx.plan.latency.concurrency,
        seed,
        sensorPrefix: prefix,
        onAccepted,
      });
    ctx.say(
      `  ${STREAMS} streams open (${SENSORS_PER_STREAM} sensors each, every sensor on ${(STREAMS * SENSORS_PER_STREAM) / sensors}); warming up`,
    );
    await load(ctx.plan.quick ? 2 : 5, 1);
    await new Promise((r) => setTimeout(r, 1000));
    matcher = createLatencyMatcher();
    const slowBefore = await scrapeMetric(assessor, 'assessor_stream_disconnected_total', { reason: 'slow' });
    let expected = 0;
    let rssMax = 0;
    const sampler = setInterval(() => {
      rssMax = Math.max(rssMax, rssMbOf(assessor.pid) ?? 0);
    }, 1000);
    const durationS = ctx.plan.latency.durationS;
    const result = await load(durationS, 2, (readings, at) => {
      for (const r of readings) {
        for (const stream of watchers.get(r.sensorId) ?? []) {
          expected++;
          matcher.accepted(keyOf(stream, r), at);
        }
      }
    }).finally(() => clearInterval(sampler));
    // what is still in flight arrives within the second the contract allows (and then some)
    const deadline = Date.now() + 5000;
    while (matcher.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    rssMax = Math.max(rssMax, rssMbOf(assessor.pid) ?? 0);
    const slowAfter = await scrapeMetric(assessor, 'assessor_stream_disconnected_total', { reason: 'slow' });
    return {
      streams: STREAMS,
      sensors,
      sensorsPerStream: SENSORS_PER_STREAM,
      targetRate: ctx.plan.latency.targetRate,
      durationS,
      readingsPerSecond: result.readingsPerSecond,
      deliveriesExpected: expected,
      deliveriesReceived: matcher.matched,
      earlyDeliveries: matcher.early,
      latencyMs: matcher.summary(),
      assessorRssMb: rssMax,
      assessorPeakRssMb: peakRssMb(assessor.pid) ?? rssMax,
      slowDisconnects: slowAfter - slowBefore,
      postErrors: Object.values(result.errorsByStatus).reduce((a, b) => a + b, 0),
    };
  } finally {
    for (const c of clients) c.close();
    for (const p of [receiver, assessor]) {
      await p.stop();
      ctx.running.delete(p);
    }
  }
}

/** The phase's lines for the bench's output and report. Pure. */
export function describeStreamFigures(f: StreamFigures): string[] {
  const int = (n: number) => Math.round(n).toLocaleString('en-US');
  const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;
  const share = f.deliveriesExpected ? f.deliveriesReceived / f.deliveriesExpected : 0;
  return [
    `live stream, ${f.streams} streams of ${f.sensorsPerStream} sensors (of ${int(f.sensors)}) at ${int(f.readingsPerSecond)} readings/s for ${f.durationS} s: ${int(f.deliveriesReceived)} of ${int(f.deliveriesExpected)} (stream, reading) deliveries (${(share * 100).toFixed(2)}%), ${int(f.deliveriesReceived / f.durationS)} a second`,
    `  latency from the 200 to the stream: p50 ${ms(f.latencyMs.p50)}, p95 ${ms(f.latencyMs.p95)}, p99 ${ms(f.latencyMs.p99)}, max ${ms(f.latencyMs.max)} (target p99 < ${ms(STREAM_TARGETS.p99Ms)}; ${(f.deliveriesReceived ? (f.earlyDeliveries / f.deliveriesReceived) * 100 : 0).toFixed(0)}% arrived before the simulator had read the 200)`,
    `  assessor resident memory: at most ${int(f.assessorRssMb)} MB during the load, peak ${int(f.assessorPeakRssMb)} MB since its start (target < ${STREAM_TARGETS.rssMb} MB); ${f.slowDisconnects} streams dropped as too slow; ${f.postErrors} posts refused`,
  ];
}
