// Statistics with history: one sensor with a reading every second for `days` days, written straight
// into readings and readings_minute (consistently: the rollups are computed from the rows), then the
// assessor's hourly statistics and compat measurements timed over HTTP, against the same hourly
// buckets computed from the raw readings with SQL (the baseline).
import { type BenchContext, phaseNames, startStack, stopStack, withCpu } from './bench-context';
import type { StatisticsFigures } from './bench-result';
import { type BucketFigures, sameBuckets } from './bucket-comparison';
import { median } from './latency-histogram';
import { truncateData } from './pipeline-phases';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

const RAW_HOURLY = `
SELECT date_trunc('hour', at, 'UTC') AS start, count(*)::float8 AS count, sum(value) AS sum, min(value) AS min, max(value) AS max
FROM readings
WHERE sensor_id = $1 AND metric = 'temperature' AND at >= $2::timestamptz AND at < $3::timestamptz
GROUP BY 1 ORDER BY 1`;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const body = await res.json();
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

export async function measureStatistics(ctx: BenchContext): Promise<StatisticsFigures> {
  const { days, calls } = ctx.plan.statistics;
  await truncateData(ctx);
  const sensorId = `b${ctx.runId}-stats`;
  const to = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  const from = to - days * DAY_MS;
  const readings = (days * DAY_MS) / 1000;

  ctx.say(`  generating ${readings.toLocaleString('en-US')} readings and their minute rollups`);
  const generate = await timed(async () => {
    await ctx.pool.query(
      `INSERT INTO readings (id, sensor_id, metric, value, at, received_at)
       SELECT 'h/' || $1 || '/' || g, $1, 'temperature',
              round((20 + 10 * sin(g / 3600.0) + ((g::bigint * 7919) % 100) / 100.0)::numeric, 2)::float8,
              $2::timestamptz + g * interval '1 second', $2::timestamptz + g * interval '1 second'
       FROM generate_series(0, $3::int - 1) g`,
      [sensorId, new Date(from).toISOString(), readings],
    );
    await ctx.pool.query(
      `INSERT INTO readings_minute (sensor_id, metric, minute, count, sum, min, max)
       SELECT sensor_id, metric, date_trunc('minute', at), count(*), sum(value), min(value), max(value)
       FROM readings WHERE sensor_id = $1 GROUP BY 1, 2, 3`,
      [sensorId],
    );
    await ctx.pool.query(
      `INSERT INTO sensor_metrics (sensor_id, metric, first_at, last_at, last_value, count)
       SELECT sensor_id, metric, min(at), max(at), (array_agg(value ORDER BY at DESC))[1], count(*)
       FROM readings WHERE sensor_id = $1 GROUP BY 1, 2`,
      [sensorId],
    );
    await ctx.pool.query('VACUUM ANALYZE readings');
    await ctx.pool.query('VACUUM ANALYZE readings_minute');
  });
  const rollups = await ctx.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM readings_minute WHERE sensor_id = $1',
    [sensorId],
  );

  const stack = await startStack(ctx, 'statistics', phaseNames(ctx, 'statistics'), ['assessor']);
  try {
    const base = `${stack.assessor!.baseUrl}/api/v1/sensors/${sensorId}`;
    const statisticsUrl = `${base}/statistics?metric=temperature&bucket=hour&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    const measurementsUrl = `${base}/measurements?metric=temperature`;
    const range = [sensorId, new Date(from).toISOString(), new Date(to).toISOString()];
    const repeat = async (work: () => Promise<unknown>) => {
      for (let i = 0; i < 2; i++) await work(); // warm-up: connections, plans, caches
      const times: number[] = [];
      for (let i = 0; i < calls; i++) times.push((await timed(work)).ms);
      return median(times);
    };
    return await withCpu(ctx, 'statistics', async () => {
      const hourlyStatisticsMs = await repeat(() => getJson(statisticsUrl));
      const measurementsMs = await repeat(() => getJson(measurementsUrl));
      const rawHourlyMs = await repeat(() => ctx.pool.query(RAW_HOURLY, range));

      const api = (await getJson(statisticsUrl)) as {
        buckets: Array<{ start: string; count: number; sum: number; min: number | null; max: number | null }>;
      };
      const raw = await ctx.pool.query<{ start: Date; count: number; sum: number; min: number; max: number }>(
        RAW_HOURLY,
        range,
      );
      const consistent = sameBuckets(
        api.buckets.map((b): BucketFigures => ({ ...b, start: Date.parse(b.start) })),
        raw.rows.map((b): BucketFigures => ({ ...b, start: b.start.getTime() })),
      );
      return {
        sensorId,
        days,
        readings,
        minuteRollups: rollups.rows[0].n,
        generateS: generate.ms / 1000,
        calls,
        hourlyStatisticsMs,
        measurementsMs,
        rawHourlyMs,
        consistent,
      };
    });
  } finally {
    await stopStack(ctx, 'statistics', stack);
  }
}
