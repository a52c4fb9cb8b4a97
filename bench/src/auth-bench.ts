// The auth-cost phase of the bench alone (`node dist/bench/src/auth-bench.js` after `make build`;
// BENCH_QUICK=1 for a smoke run): receiver throughput with RECEIVER_AUTH=on as a share of auth off,
// batch and single-reading requests, in the bench's own database and topics (removed at the end).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { createLogger, createPool, loadConfig } from '../../shared/src';
import { deleteTopicsOf, runBenchScript } from './bench-cleanup';
import { prepareBenchDatabase } from './bench-database';
import { benchPlan } from './bench-plan';
import { describeAuthCost, measureAuthCost } from './auth-phase';
import { repoRoot, type ServiceProcess } from './service-process';

const say = (line: string) => process.stdout.write(`${line}\n`);

export async function main(): Promise<number> {
  const plan = benchPlan(process.env);
  const config = loadConfig(process.env);
  const logger = createLogger({ name: 'auth-bench', level: 'warn' }, pino.destination(2));
  const runId = Date.now().toString(36);
  const logDir = path.join(repoRoot, '.run', 'bench', runId);
  mkdirSync(logDir, { recursive: true });
  const databaseUrl = await prepareBenchDatabase(config.postgres.url, logger);
  const pool = createPool({ url: databaseUrl, poolSize: 2 }, logger);
  const running = new Set<ServiceProcess>();
  const stop = () => Promise.all([...running].map((p) => p.stop().catch(() => undefined)));
  process.once('SIGINT', () => void stop().finally(() => process.exit(130)));
  try {
    say(`auth bench ${runId}${plan.quick ? ' (quick)' : ''}; service logs in ${path.relative(process.cwd(), logDir)}`);
    const cost = await measureAuthCost({ runId, plan, pool, databaseUrl, logDir, running, say });
    for (const line of describeAuthCost(cost)) say(line);
    for (const [mode, m] of [
      ['batch', cost.batch],
      ['single', cost.single],
    ] as const) {
      const figure = (r: (typeof m.rounds)[number]) => (mode === 'batch' ? r.readingsPerSecond : r.requestsPerSecond);
      say(
        `  ${mode} rounds: ${m.rounds.map((r) => `${r.auth} ${Math.round(figure(r))}/s ${r.cpuSeconds.toFixed(2)} cpu-s`).join(', ')}`,
      );
    }
    return 0;
  } finally {
    await stop();
    await pool.end();
    await deleteTopicsOf(config.kafka, 'auth-bench', `bench-${runId}-`, logger);
  }
}

if (require.main === module) runBenchScript('auth bench', main);
