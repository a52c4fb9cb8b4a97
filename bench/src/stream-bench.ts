// `make bench-stream` (and part of `make bench`): the live stream under load (stream-phase.ts), in the
// bench's own database and topics (removed at the end). Writes bench/reports/stream.md (BENCH_QUICK=1:
// .run/bench/stream.md) and prints it.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createLogger, loadConfig } from '../../shared/src';
import { deleteTopicsOf, runBenchScript } from './bench-cleanup';
import { databaseUrl as onDatabase, prepareBenchDatabase } from './bench-database';
import { benchPlan } from './bench-plan';
import { repoRoot, type ServiceProcess } from './service-process';
import { describeStreamFigures, measureStreams, STREAM_TARGETS } from './stream-phase';

const say = (line: string) => process.stdout.write(`${line}\n`);

export async function main(): Promise<number> {
  const plan = benchPlan(process.env);
  const config = loadConfig(process.env);
  const logger = createLogger({ name: 'stream-bench', level: 'warn' }, pino.destination(2));
  const runId = Date.now().toString(36);
  const logDir = path.join(repoRoot, '.run', 'bench', runId);
  mkdirSync(logDir, { recursive: true });
  // the server's maintenance database to create the bench's own: the stack's database may not exist yet
  const databaseUrl = await prepareBenchDatabase(onDatabase(config.postgres.url, 'postgres'), logger);
  const running = new Set<ServiceProcess>();
  const stop = () => Promise.all([...running].map((p) => p.stop().catch(() => undefined)));
  process.once('SIGINT', () => void stop().finally(() => process.exit(130)));
  try {
    say(
      `stream bench ${runId}${plan.quick ? ' (quick)' : ''}; service logs in ${path.relative(process.cwd(), logDir)}`,
    );
    const f = await measureStreams({ runId, plan, databaseUrl, logDir, running, say });
    const lines = describeStreamFigures(f);
    for (const line of lines) say(line);
    const met = (ok: boolean) => (ok ? 'met' : '**missed**');
    const report = [
      '# Live stream bench',
      '',
      `\`make bench-stream\`, ${new Date().toISOString()}${plan.quick ? ' (quick run)' : ''}. ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, shared with whatever else runs.`,
      `A receiver and an assessor from dist/ (defaults; LOG_LEVEL=warn) on the bench's own topics; ${f.streams} streams open on the`,
      `assessor, each selecting ${f.sensorsPerStream} of ${f.sensors.toLocaleString('en-US')} sensors (each sensor on ${(f.streams * f.sensorsPerStream) / f.sensors} streams); the simulator posting`,
      `${f.targetRate.toLocaleString('en-US')} readings/s (batches of ${plan.latency.batchItems}) for ${f.durationS} s. Latency: from the simulator reading the 200 to a`,
      'stream client reading the reading, every (stream, reading) pair; the stream clients run in the bench process.',
      '',
      '| measure | result | target | |',
      '|---|---|---|---|',
      `| stream latency p99 (p50, max) | ${Math.round(f.latencyMs.p99)} ms (${Math.round(f.latencyMs.p50)} ms, ${Math.round(f.latencyMs.max)} ms) | < ${STREAM_TARGETS.p99Ms} ms | ${met(f.latencyMs.p99 < STREAM_TARGETS.p99Ms)} |`,
      `| assessor resident memory during the load (peak since start) | ${Math.round(f.assessorRssMb)} MB (${Math.round(f.assessorPeakRssMb)} MB) | < ${STREAM_TARGETS.rssMb} MB | ${met(f.assessorPeakRssMb < STREAM_TARGETS.rssMb)} |`,
      `| deliveries received | ${f.deliveriesReceived.toLocaleString('en-US')} of ${f.deliveriesExpected.toLocaleString('en-US')} | all | ${met(f.deliveriesReceived === f.deliveriesExpected)} |`,
      `| readings accepted | ${Math.round(f.readingsPerSecond).toLocaleString('en-US')}/s | ${f.targetRate.toLocaleString('en-US')}/s | ${met(f.readingsPerSecond >= f.targetRate * 0.95)} |`,
      `| streams dropped as too slow | ${f.slowDisconnects} | 0 | ${met(f.slowDisconnects === 0)} |`,
      '',
      ...lines.map((l) => `    ${l}`),
      '',
    ].join('\n');
    const file = plan.quick
      ? path.join(repoRoot, '.run', 'bench', 'stream.md')
      : path.join(repoRoot, 'bench', 'reports', 'stream.md');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, report);
    say(`report: ${path.relative(process.cwd(), file)}`);
    // a missed target is in the report, as in the other benches; the exit code is for failures
    return 0;
  } finally {
    await stop();
    await deleteTopicsOf(config.kafka, 'stream-bench', `bench-${runId}-`, logger);
  }
}

if (require.main === module) runBenchScript('stream bench', main);
