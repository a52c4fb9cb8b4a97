// What the bench runs and for how long: the full run (`make bench`) or a smoke run (BENCH_QUICK=1),
// from the environment. Pure.

export interface BenchPlan {
  quick: boolean;
  /** readings produced by the raw sendBatch limit; the same topic is then the processor's and saver's input */
  preloadReadings: number;
  /** readings per sendBatch call (the receiver's RECEIVER_PRODUCE_BATCH_MAX default) */
  kafkaBatch: number;
  /** rows of the raw PostgreSQL ingest limit, and rows per UNNEST statement (the saver's SAVER_BATCH_SIZE default) */
  pgRows: number;
  pgBatch: number;
  /** sensors of every simulated load */
  sensors: number;
  receiver: {
    warmupS: number;
    durationS: number;
    batchItems: number;
    batchConcurrency: number;
    singleConcurrency: number;
  };
  /** paced at `rate` for `durationS` (the target), then at full speed for `fullSpeedS` */
  e2e: { durationS: number; rate: number; batchItems: number; concurrency: number; fullSpeedS: number };
  latency: { durationS: number; targetRate: number; batchItems: number; concurrency: number };
  statistics: { days: number; calls: number };
  /** longest wait for a consumer to get through its input, or for the pipeline to drain */
  drainTimeoutS: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (got ${JSON.stringify(text)})`);
  return n;
}

export function benchPlan(env: NodeJS.ProcessEnv): BenchPlan {
  const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  return {
    quick,
    preloadReadings: quick ? 60_000 : 1_000_000,
    kafkaBatch: 5000,
    pgRows: quick ? 50_000 : 500_000,
    pgBatch: 5000,
    sensors: 1000,
    receiver: {
      warmupS: quick ? 1 : 3,
      durationS: quick ? 3 : 20,
      batchItems: 250,
      batchConcurrency: 8,
      singleConcurrency: 128,
    },
    e2e: {
      durationS: positive(env, 'BENCH_E2E_S', quick ? 5 : 60),
      rate: positive(env, 'BENCH_E2E_RATE', 20_000),
      batchItems: 250,
      concurrency: 16,
      fullSpeedS: quick ? 3 : 20,
    },
    latency: { durationS: quick ? 4 : 30, targetRate: 5000, batchItems: 10, concurrency: 32 },
    statistics: { days: quick ? 2 : 30, calls: quick ? 5 : 21 },
    drainTimeoutS: quick ? 60 : 300,
  };
}
