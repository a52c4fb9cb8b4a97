// `make bench-logs` (and part of `make bench`): log lines (issue 12: >= 20,000 lines/s end to end,
// stored and searchable; a word search over 1,000,000 lines < 100 ms). In the bench's own database and
// topics (removed at the end), services from dist/ as child processes (the processor does not read
// logs and is not started):
//  1. receiver alone: senders (the client library's log(), one sensor each, gzip) post lines at full
//     speed for the duration; the lines acknowledged per second are the receiver's accept rate.
//  2. end to end: receiver + saver on fresh topics, the same load; lines/s from the first post to the
//     moment the last line is visible in `logs` (count(*) polled).
//  3. baselines: the saver's own statement (saver/src/log-writer.ts) from this process, as many rows
//     in its batch size on its concurrent writes, without Kafka: into `logs`, and into `logs` without
//     its GIN index (the full-text index's cost per row).
//  4. word search: 1,000,000 lines made with generate_series in the real schema, then the assessor's
//     own query (assessor/src/logs-store.ts queryLogs, 100 rows newest first), median of 15 runs each.
// Writes bench/reports/logs.md (BENCH_QUICK=1: .run/bench/logs.md) and prints it.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Pool } from 'pg';
import { queryLogs } from '../../assessor/src/logs-store';
import { createClient } from '../../client/src';
import { writeLogLines } from '../../saver/src/log-writer';
import { createLogger, createPool, describeSettings, loadConfig, type LogLine } from '../../shared/src';
import { deleteTopicsOf, runBenchScript } from './bench-cleanup';
import { databaseUrl as onDatabase, prepareBenchDatabase } from './bench-database';
import { benchPlan } from './bench-plan';
import { median } from './client-phase';
import { serviceEnvironment } from './service-environment';
import { freePort, repoRoot, type ServiceProcess, serviceProcess } from './service-process';

const say = (line: string) => process.stdout.write(`${line}\n`);
export const LOGS_TARGETS = { linesPerSecond: 20_000, searchMs: 100 };
const SENDERS = 8;
const LINES_PER_REQUEST = 1000;
const SEARCH_LINES = 1_000_000;

/** A line of about 60 bytes, like a syslog line; n makes each one different. Pure. */
export function logMessage(n: number): string {
  return `sshd[${n % 65536}]: Accepted publickey for deploy from 10.0.${(n >> 8) & 255}.${n & 255} port ${n % 60000}`;
}

export async function postLogLines(url: string, senders: number, durationS: number, prefix: string) {
  const clients = Array.from({ length: senders }, () =>
    createClient({
      url,
      logs: { maxItems: LINES_PER_REQUEST, maxWaitMs: 50, concurrency: 2, overflow: 'block' },
      maxBufferedReadings: LINES_PER_REQUEST * 4,
      retry: { maxElapsedMs: 30_000 },
    }),
  );
  const start = performance.now();
  const end = start + durationS * 1000;
  await Promise.all(
    clients.map(async (client, s) => {
      let n = 0;
      while (performance.now() < end) {
        for (let i = 0; i < 200; i++, n++) {
          const wait = client.log(
            `${prefix}${s}`,
            n % 50 === 0 ? 'warning' : 'info',
            logMessage(n),
            '/var/log/auth.log',
          );
          if (wait) await wait;
        }
        await new Promise((r) => setImmediate(r));
      }
      await client.flush();
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  let sent = 0;
  let dropped = 0;
  for (const c of clients) {
    await c.close({ timeoutMs: 10_000 });
    const st = c.stats('logs');
    sent += st.sent;
    dropped += st.dropped + st.rejected;
  }
  return { startedAt: start, seconds, sent, dropped };
}

async function count(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM logs');
  return rows[0].n;
}

/** Polls count(*) until `expected` rows; resolves with performance.now() of the poll that saw them. */
async function waitForRows(pool: Pool, expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const n = await count(pool);
    if (n >= expected) return performance.now();
    if (n !== last) {
      last = n;
      lastChange = Date.now();
    }
    if (Date.now() > deadline || Date.now() - lastChange > 60_000)
      throw new Error(`only ${n} of ${expected} log lines stored`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function rows(n: number, prefix: string): LogLine[] {
  const now = Date.now();
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i.toString().padStart(9, '0')}`,
    sensorId: `raw-${i % SENDERS}`,
    level: 'info' as const,
    source: '/var/log/auth.log',
    message: logMessage(i),
    at: now - 1000 + (i % 1000),
    receivedAt: now,
  }));
}

/** The saver's statement in its batch size, `concurrency` at once; rows/s. */
async function rawInserts(pool: Pool, lines: LogLine[], batch: number, concurrency: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < lines.length) {
        const chunk = lines.slice(next, next + batch);
        next += batch;
        await writeLogLines(pool, chunk);
      }
    }),
  );
  return lines.length / ((performance.now() - start) / 1000);
}

async function searchTimings(pool: Pool): Promise<Array<{ what: string; q: string; rows: number; ms: number }>> {
  await pool.query('TRUNCATE logs');
  // words: w1k in 1,000 lines, w100k in 100,000, both in 100; absentword in none
  await pool.query(
    `INSERT INTO logs (id, sensor_id, level, source, message, at, received_at)
     SELECT 'g' || i, 'host-' || (i % 100), 20, 'syslog',
            'sshd[' || i || ']: Accepted publickey for deploy port ' || (i % 60000)
              || CASE WHEN i % 1000 = 0 THEN ' w1k' ELSE '' END
              || CASE WHEN i % 10 = 0 THEN ' w100k' ELSE '' END,
            now() - (i || ' ms')::interval, now()
     FROM generate_series(1, $1) AS i`,
    [SEARCH_LINES],
  );
  // statistics for the planner, but no VACUUM: the index's pending list stays as the inserts left
  // it (up to gin_pending_list_limit), which every search reads, as it would between two vacuums
  await pool.query('ANALYZE logs');
  const cases = [
    { what: 'a word in 1,000 lines', q: 'w1k' },
    { what: 'a word in 100,000 lines', q: 'w100k' },
    { what: 'two words (in 1,000 lines)', q: 'w1k w100k' },
    { what: 'an absent word', q: 'absentword' },
  ];
  const out = [];
  for (const c of cases) {
    const times: number[] = [];
    let n = 0;
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      n = (await queryLogs(pool, { q: c.q, limit: 101 })).length;
      times.push(performance.now() - t);
    }
    out.push({ ...c, rows: n, ms: median(times.slice(2)) });
  }
  return out;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (a: number, b: number) => `${Math.round((a / b) * 100)}%`;

export async function main(): Promise<number> {
  const plan = benchPlan(process.env);
  const durationS = plan.quick ? 5 : 20;
  const config = loadConfig(process.env);
  const logger = createLogger({ name: 'logs-bench', level: 'warn' }, pino.destination(2));
  const runId = Date.now().toString(36);
  const logDir = path.join(repoRoot, '.run', 'bench', runId);
  mkdirSync(logDir, { recursive: true });
  const databaseUrl = await prepareBenchDatabase(onDatabase(config.postgres.url, 'postgres'), logger);
  const pool = createPool({ url: databaseUrl, poolSize: 4 }, logger);
  const running = new Set<ServiceProcess>();
  const stop = () => Promise.all([...running].map((p) => p.stop().catch(() => undefined)));
  process.once('SIGINT', () => void stop().finally(() => process.exit(130)));
  const start = async (phase: string, services: Array<'receiver' | 'saver'>) => {
    const base = `bench-${runId}-${phase}`;
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
        databaseUrl,
        process.env,
        describeSettings().map((s) => s.env),
      ),
      KAFKA_LOGS_TOPIC: `${base}.logs`,
    };
    const ps: Record<string, ServiceProcess> = {};
    for (const s of services) {
      ps[s] = serviceProcess(s, `${phase}-${s}`, await freePort(), env, logDir);
      running.add(ps[s]);
    }
    await Promise.all(Object.values(ps).map((p) => p.start()));
    return ps;
  };
  const stopAll = async (ps: Record<string, ServiceProcess>) => {
    await Promise.all(Object.values(ps).map((p) => p.stop()));
    for (const p of Object.values(ps)) running.delete(p);
  };
  try {
    say(`logs bench ${runId}${plan.quick ? ' (quick)' : ''}; service logs in ${path.relative(process.cwd(), logDir)}`);
    await pool.query('TRUNCATE logs');

    const r = await start('logs-recv', ['receiver']);
    const accept = await postLogLines(r.receiver.baseUrl, SENDERS, durationS, 'lr-');
    await stopAll(r);
    const acceptRate = accept.sent / accept.seconds;
    say(
      `receiver alone: ${fmt(accept.sent)} lines acknowledged in ${accept.seconds.toFixed(1)} s: ${fmt(acceptRate)}/s`,
    );

    await pool.query('TRUNCATE logs');
    const e = await start('logs-e2e', ['receiver', 'saver']);
    const e2e = await postLogLines(e.receiver.baseUrl, SENDERS, durationS, 'le-');
    const e2eAckRate = e2e.sent / e2e.seconds;
    const lastVisible = await waitForRows(pool, e2e.sent, 600_000);
    const stored = await count(pool);
    await stopAll(e);
    const e2eSeconds = (lastVisible - e2e.startedAt) / 1000;
    const e2eRate = stored / e2eSeconds;
    say(
      `end to end: ${fmt(e2e.sent)} acknowledged (${fmt(e2eAckRate)}/s), ${fmt(stored)} stored ${e2eSeconds.toFixed(1)} s after the first post: ${fmt(e2eRate)} lines/s`,
    );

    const n = Math.max(50_000, Math.min(stored, 400_000));
    await pool.query('TRUNCATE logs');
    const raw = await rawInserts(pool, rows(n, 'raw-'), config.saver.batchSize, config.saver.concurrentWrites);
    await pool.query('TRUNCATE logs');
    // made again as the migrations made it (with its storage parameters)
    const {
      rows: [{ ginDefinition }],
    } = await pool.query<{ ginDefinition: string }>(`SELECT pg_get_indexdef('logs_tsv'::regclass) AS "ginDefinition"`);
    await pool.query('DROP INDEX logs_tsv');
    let rawNoGin: number;
    try {
      rawNoGin = await rawInserts(pool, rows(n, 'raw-'), config.saver.batchSize, config.saver.concurrentWrites);
    } finally {
      await pool.query('TRUNCATE logs');
      await pool.query(ginDefinition);
    }
    say(
      `the saver's statement alone (${fmt(n)} rows): ${fmt(raw)} rows/s; without the GIN index ${fmt(rawNoGin)} rows/s`,
    );

    const search = await searchTimings(pool);
    for (const s of search)
      say(`search "${s.q}" (${s.what}) over 1,000,000 lines: ${s.ms.toFixed(1)} ms, ${s.rows} rows`);
    await pool.query('TRUNCATE logs');

    const met = (ok: boolean) => (ok ? 'met' : '**missed**');
    const worst = Math.max(...search.map((s) => s.ms));
    const report = [
      '# Logs bench',
      '',
      `\`make bench-logs\`, ${new Date().toISOString()}${plan.quick ? ' (quick run)' : ''}. ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, shared with whatever else runs.`,
      `A receiver and a saver from dist/ (defaults; LOG_LEVEL=warn) on the bench's own topics and database; ${SENDERS} senders`,
      `(the client library's log(), one sensor each, ${LINES_PER_REQUEST} lines a request, 2 requests in flight each, gzip) posting lines`,
      `of about 60 bytes at full speed for ${durationS} s. End to end: from the first post to the last line visible in \`logs\`.`,
      '',
      '| measure | result | target | |',
      '|---|---|---|---|',
      `| lines stored end to end | ${fmt(e2eRate)}/s (${fmt(stored)} in ${e2eSeconds.toFixed(1)} s; ${fmt(e2e.sent)} acknowledged, ${e2e.dropped} dropped) | ≥ ${fmt(LOGS_TARGETS.linesPerSecond)}/s | ${met(e2eRate >= LOGS_TARGETS.linesPerSecond && stored === e2e.sent)} |`,
      `| word search over 1,000,000 lines, slowest case (median) | ${worst.toFixed(1)} ms | < ${LOGS_TARGETS.searchMs} ms | ${met(worst < LOGS_TARGETS.searchMs)} |`,
      '',
      '| measure | lines/s | ratio |',
      '|---|---|---|',
      `| receiver alone, acknowledged | ${fmt(acceptRate)} | end to end = ${pct(e2eRate, acceptRate)} of it |`,
      `| receiver acknowledged while the saver ran | ${fmt(e2eAckRate)} | ${pct(e2eAckRate, acceptRate)} of alone |`,
      `| the saver's statement alone, ${fmt(config.saver.batchSize)} rows × ${config.saver.concurrentWrites} at once, no Kafka (${fmt(n)} rows) | ${fmt(raw)} | end to end = ${pct(e2eRate, raw)} of it |`,
      `| the same without the GIN index | ${fmt(rawNoGin)} | with it = ${pct(raw, rawNoGin)} of it |`,
      '',
      "Word search: the assessor's query (`tsv @@ plainto_tsquery('simple', q)`, 100 rows newest first) over 1,000,000",
      'lines made with generate_series in the real schema, then ANALYZE but no VACUUM (the GIN pending list as the',
      'inserts left it, read by every search); median of the last 13 of 15 runs.',
      '',
      '| search | rows | median |',
      '|---|---|---|',
      ...search.map((s) => `| ${s.what} (\`${s.q}\`) | ${s.rows} | ${s.ms.toFixed(1)} ms |`),
      '',
    ].join('\n');
    const file = plan.quick
      ? path.join(repoRoot, '.run', 'bench', 'logs.md')
      : path.join(repoRoot, 'bench', 'reports', 'logs.md');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, report);
    say(`report: ${path.relative(process.cwd(), file)}`);
    return 0;
  } finally {
    await stop();
    await pool.end().catch(() => undefined);
    await deleteTopicsOf(config.kafka, 'logs-bench', `bench-${runId}-`, logger);
  }
}

if (require.main === module) runBenchScript('logs bench', main);
