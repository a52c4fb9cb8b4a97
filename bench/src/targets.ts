// The targets, the ratios of each figure to the limit it is bounded by, and the small
// judgements the bench makes along the way (did the backlog grow, which rate for the latency run). Pure.
import type { BacklogSample, BenchResult } from './bench-result';

export const TARGETS = {
  e2eReadingsPerSecond: 20_000,
  e2eDurationS: 60,
  receiverBatchShareOfSendBatch: 0.6,
  singleRequestsPerSecond: 5000,
  saverShareOfPgIngest: 0.6,
  eventLatencyP99Ms: 500,
  eventLatencyRate: 5000,
  serviceRssMb: 256,
  hourlyStatisticsMs: 100,
  statisticsDays: 30,
} as const;

export interface TargetResult {
  name: string;
  /** the target as written in the issue */
  target: string;
  measured: string;
  met: boolean;
  /** "met, 23% headroom" / "missed by 12%" / why it could not be judged */
  verdict: string;
}

export interface RatioRow {
  figure: string;
  value: number;
  unit: string;
  limit: string;
  limitValue: number;
  /** value / limitValue (for latencies: limit / value, i.e. how many times faster) */
  ratio: number;
}

const pct = (x: number) => (Math.abs(x) < 0.1 && x !== 0 ? `${(x * 100).toFixed(1)}%` : `${Math.round(x * 100)}%`);
const num = (n: number) => Math.round(n).toLocaleString('en-US');

/** Verdict of "value >= threshold" (atLeast) or "value < threshold" (below), with the margin relative to the threshold. */
export function judge(value: number, threshold: number, kind: 'atLeast' | 'below'): { met: boolean; verdict: string } {
  if (!Number.isFinite(value)) return { met: false, verdict: 'not measured' };
  const met = kind === 'atLeast' ? value >= threshold : value < threshold;
  const margin = kind === 'atLeast' ? (value - threshold) / threshold : (threshold - value) / threshold;
  return {
    met,
    verdict: met ? `met, ${pct(margin)} headroom` : `missed by ${pct(Math.abs(margin))}`,
  };
}

/** Least-squares slope of y over x; 0 with fewer than two distinct x. */
export function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * The backlog (accepted - stored) over the last 80% of the load (the first seconds fill the pipeline).
 * It grew when its slope is over 2% of the offered rate and more than a second of readings is left at the end:
 * a pipeline that keeps up holds a steady backlog of about its latency times the rate.
 */
export function backlogTrend(
  timeline: readonly BacklogSample[],
  durationS: number,
  offeredRate: number,
): { slopePerS: number; atEnd: number; grew: boolean } {
  const during = timeline.filter((s) => s.t >= durationS * 0.2 && s.t <= durationS + 0.5);
  const slopePerS = slope(during.map((s) => ({ x: s.t, y: s.accepted - s.stored })));
  const last = during[during.length - 1] ?? timeline[timeline.length - 1];
  const atEnd = last ? last.accepted - last.stored : 0;
  return { slopePerS, atEnd, grew: slopePerS > 0.02 * offeredRate && atEnd > offeredRate };
}

/** The rate of the latency run: the target, or 80% of what the pipeline sustained when that is less than 125% of the target. */
export function latencyRunRate(target: number, sustainedPerSecond: number): number {
  if (sustainedPerSecond * 0.8 >= target) return target;
  return Math.max(100, Math.floor((sustainedPerSecond * 0.8) / 100) * 100);
}

/** The end-to-end rate the pipeline sustained: what it accepted when it kept up, else what reached PostgreSQL. */
export function sustainedRate(e2e: BenchResult['endToEnd']): number {
  return e2e.backlogGrew || e2e.lost > 0
    ? Math.min(e2e.storedPerSecond, e2e.load.readingsPerSecond)
    : e2e.load.readingsPerSecond;
}

export function evaluateTargets(r: BenchResult): TargetResult[] {
  const results: TargetResult[] = [];
  const add = (name: string, target: string, measured: string, j: { met: boolean; verdict: string }) =>
    results.push({ name, target, measured, ...j });

  const e2e = r.endToEnd;
  const sustained = sustainedRate(e2e);
  const e2eJudged = judge(sustained, TARGETS.e2eReadingsPerSecond, 'atLeast');
  const e2eProblems = [
    e2e.durationS < TARGETS.e2eDurationS ? `ran ${e2e.durationS} s, not ${TARGETS.e2eDurationS}` : '',
    e2e.lost > 0 ? `${num(e2e.lost)} readings lost` : '',
    e2e.backlogGrew ? `backlog grew ${num(e2e.backlogSlopePerS)}/s` : '',
  ].filter(Boolean);
  add(
    'End-to-end throughput',
    `>= ${num(TARGETS.e2eReadingsPerSecond)} readings/s for ${TARGETS.e2eDurationS} s, zero loss`,
    `${num(sustained)} readings/s for ${e2e.durationS} s, ${num(e2e.lost)} lost, backlog ${e2e.backlogGrew ? 'grew' : 'steady'}; at full speed ${num(r.endToEndFullSpeed.storedPerSecond)} stored/s`,
    e2eProblems.length
      ? {
          met: false,
          verdict: `missed: ${[...(e2eJudged.met ? [] : [e2eJudged.verdict]), ...e2eProblems].join('; ')}`,
        }
      : e2eJudged.met
        ? // paced at the target, so the headroom is what the full-speed run stored beyond it
          judge(Math.max(sustained, r.endToEndFullSpeed.storedPerSecond), TARGETS.e2eReadingsPerSecond, 'atLeast')
        : e2eJudged,
  );

  const kafka = r.limits.kafkaSendBatch.perSecond;
  const batchShare = r.receiverBatch.readingsPerSecond / kafka;
  add(
    'Receiver, batch requests',
    `>= ${pct(TARGETS.receiverBatchShareOfSendBatch)} of raw sendBatch`,
    `${num(r.receiverBatch.readingsPerSecond)} readings/s = ${pct(batchShare)} of ${num(kafka)}`,
    judge(batchShare, TARGETS.receiverBatchShareOfSendBatch, 'atLeast'),
  );

  add(
    'Receiver, single-reading requests',
    `>= ${num(TARGETS.singleRequestsPerSecond)} requests/s`,
    `${num(r.receiverSingle.requestsPerSecond)} requests/s`,
    judge(r.receiverSingle.requestsPerSecond, TARGETS.singleRequestsPerSecond, 'atLeast'),
  );

  const pg = r.limits.postgres.limit.perSecond;
  const saverShare = r.saver.readingsPerSecond / pg;
  add(
    'Saver',
    `>= ${pct(TARGETS.saverShareOfPgIngest)} of raw PostgreSQL ingest`,
    `${num(r.saver.readingsPerSecond)} rows/s = ${pct(saverShare)} of ${num(pg)} (${r.limits.postgres.fastest === 'copy' ? 'COPY' : 'UNNEST'})`,
    judge(saverShare, TARGETS.saverShareOfPgIngest, 'atLeast'),
  );

  const lat = r.eventLatency;
  const latJudged = judge(lat.latencyMs.p99, TARGETS.eventLatencyP99Ms, 'below');
  add(
    'Event latency',
    `p99 < ${TARGETS.eventLatencyP99Ms} ms at ${num(TARGETS.eventLatencyRate)} readings/s`,
    `p99 ${Math.round(lat.latencyMs.p99)} ms (p50 ${Math.round(lat.latencyMs.p50)} ms) over ${num(lat.events)} events at ${num(lat.targetRate)} readings/s`,
    lat.events === 0
      ? { met: false, verdict: 'not measured: no events' }
      : lat.targetRate < TARGETS.eventLatencyRate
        ? {
            met: false,
            verdict: `${latJudged.verdict}, but at ${num(lat.targetRate)} readings/s only (machine too slow)`,
          }
        : latJudged,
  );

  const rss = Object.entries(r.peakRssMb);
  const worst = rss.reduce((w, [name, v]) => (v.mb > w.mb ? { name, mb: v.mb } : w), { name: '-', mb: 0 });
  add(
    'Memory per service',
    `< ${TARGETS.serviceRssMb} MB RSS each`,
    rss.map(([name, v]) => `${name} ${Math.round(v.mb)}`).join(', ') + ' MB',
    rss.length ? judge(worst.mb, TARGETS.serviceRssMb, 'below') : { met: false, verdict: 'not measured' },
  );

  const s = r.statistics;
  const statsJudged = judge(s.hourlyStatisticsMs, TARGETS.hourlyStatisticsMs, 'below');
  add(
    'Hourly statistics over 30 days',
    `< ${TARGETS.hourlyStatisticsMs} ms`,
    `${s.hourlyStatisticsMs.toFixed(1)} ms (median of ${s.calls}) over ${s.days} days`,
    s.days < TARGETS.statisticsDays
      ? { met: false, verdict: `not judged: ${s.days} days of history only (quick run)` }
      : s.consistent
        ? statsJudged
        : { met: false, verdict: `${statsJudged.verdict}, but the buckets differ from the raw readings` },
  );
  return results;
}

export function computeRatios(r: BenchResult): RatioRow[] {
  const kafka = r.limits.kafkaSendBatch.perSecond;
  const consume = r.limits.kafkaConsume.perSecond;
  const pg = r.limits.postgres;
  const slowestStage = Math.min(
    r.receiverBatch.readingsPerSecond,
    r.processor.readingsPerSecond,
    r.saver.readingsPerSecond,
  );
  const rows: RatioRow[] = [
    {
      figure: 'Receiver, batch requests',
      value: r.receiverBatch.readingsPerSecond,
      unit: 'readings/s',
      limit: 'raw kafkajs sendBatch',
      limitValue: kafka,
      ratio: r.receiverBatch.readingsPerSecond / kafka,
    },
    {
      figure: 'Receiver, single-reading requests',
      value: r.receiverSingle.readingsPerSecond,
      unit: 'readings/s',
      limit: 'raw kafkajs sendBatch',
      limitValue: kafka,
      ratio: r.receiverSingle.readingsPerSecond / kafka,
    },
    {
      figure: 'Processor',
      value: r.processor.readingsPerSecond,
      unit: 'readings/s',
      limit: 'raw kafkajs consume + decode',
      limitValue: consume,
      ratio: r.processor.readingsPerSecond / consume,
    },
    {
      figure: 'Saver',
      value: r.saver.readingsPerSecond,
      unit: 'rows/s',
      limit: `raw PostgreSQL ingest (${pg.fastest === 'copy' ? 'COPY' : 'UNNEST'}, no index)`,
      limitValue: pg.limit.perSecond,
      ratio: r.saver.readingsPerSecond / pg.limit.perSecond,
    },
    {
      figure: 'Saver',
      value: r.saver.readingsPerSecond,
      unit: 'rows/s',
      limit: 'its own transaction (writeBatch) called directly, no Kafka',
      limitValue: pg.saverTransaction.perSecond,
      ratio: r.saver.readingsPerSecond / pg.saverTransaction.perSecond,
    },
    {
      figure: 'Saver',
      value: r.saver.readingsPerSecond,
      unit: 'rows/s',
      limit: 'UNNEST into a copy of readings with its indexes',
      limitValue: pg.unnestIndexed.perSecond,
      ratio: r.saver.readingsPerSecond / pg.unnestIndexed.perSecond,
    },
    {
      figure: 'End to end at full speed (stored)',
      value: r.endToEndFullSpeed.storedPerSecond,
      unit: 'readings/s',
      limit: 'slowest stage alone',
      limitValue: slowestStage,
      ratio: r.endToEndFullSpeed.storedPerSecond / slowestStage,
    },
    {
      figure: 'Hourly statistics, 30 days (API)',
      value: r.statistics.hourlyStatisticsMs,
      unit: 'ms',
      limit: 'same buckets from raw readings (SQL)',
      limitValue: r.statistics.rawHourlyMs,
      ratio: r.statistics.rawHourlyMs / r.statistics.hourlyStatisticsMs,
    },
  ];
  return rows;
}
