// `make bench-dashboard`: the dashboard's speed and size in Debian's chromium, against an assessor
// (from dist/) on the bench's own database, filled in SQL: 1,000 sensors of three metrics, and one
// sensor with a reading every 10 s for 30 days (readings and their minute rollups, consistently).
//
//   first load   a new browser context (empty cache) opens the sensors page: ms to the table drawn
//   30-day chart the sensor's 7 d timeline is up; click 30d: ms from the click to the chart redrawn,
//                and the statistics request behind it (the browser's resource timing)
//   statistics   the same 30-day request straight over HTTP, 20 times
//   size         the JavaScript shipped (dist/dashboard/assets/*.js), gzipped
//
// Writes bench/reports/dashboard.md (BENCH_QUICK=1: .run/bench/dashboard.md) and prints the table.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { createLogger, createPool, loadConfig } from '../../shared/src';
import { databaseUrl as onDatabase, prepareBenchDatabase } from './bench-database';
import { launchChromium } from './headless-chromium';
import { median } from './latency-histogram';
import { freePort, repoRoot, serviceProcess } from './service-process';

const SENSORS = 1000;
const DAY_MS = 86_400_000;
const RUNS = Number(process.env.BENCH_QUICK === '1' ? 3 : 7);
const TARGETS = { firstLoadMs: 1000, chartMs: 300, statisticsMs: 50, jsGzipBytes: 200 * 1024 };

const say = (line: string) => process.stdout.write(`${line}\n`);
const max = (xs: number[]) => Math.max(...xs);
const ms = (n: number) => `${Math.round(n)} ms`;

async function seed(url: string, sensorId: string, to: number): Promise<void> {
  const pool = createPool({ url, poolSize: 1 }, createLogger({ name: 'bench-dashboard', level: 'warn' }));
  try {
    const from = new Date(to - 30 * DAY_MS).toISOString();
    await pool.query(
      `INSERT INTO sensor_metrics (sensor_id, metric, first_at, last_at, last_value, count)
       SELECT 'dash-' || lpad(s::text, 4, '0'), m, $1::timestamptz - interval '1 day', $1::timestamptz - s * interval '1 second',
              round((20 + s % 17)::numeric, 1)::float8, 100
       FROM generate_series(1, $2::int) s CROSS JOIN unnest(ARRAY['humidity', 'pressure', 'temperature']) m`,
      [new Date(to).toISOString(), SENSORS],
    );
    const readings = (30 * DAY_MS) / 10_000;
    await pool.query(
      `INSERT INTO readings (id, sensor_id, metric, value, at, received_at)
       SELECT 'dash/' || g, $1, 'temperature', round((20 + 8 * sin(g / 8640.0) + (g % 13) / 10.0)::numeric, 2)::float8,
              $2::timestamptz + g * interval '10 seconds', $2::timestamptz + g * interval '10 seconds'
       FROM generate_series(0, $3::int - 1) g`,
      [sensorId, from, readings],
    );
    await pool.query(
      `INSERT INTO readings_minute (sensor_id, metric, minute, count, sum, min, max)
       SELECT sensor_id, metric, date_trunc('minute', at), count(*), sum(value), min(value), max(value)
       FROM readings WHERE sensor_id = $1 GROUP BY 1, 2, 3`,
      [sensorId],
    );
    await pool.query(
      `INSERT INTO sensor_metrics (sensor_id, metric, first_at, last_at, last_value, count)
       SELECT sensor_id, metric, min(at), max(at), (array_agg(value ORDER BY at DESC))[1], count(*)
       FROM readings WHERE sensor_id = $1 GROUP BY 1, 2`,
      [sensorId],
    );
    await pool.query('VACUUM ANALYZE readings');
    await pool.query('VACUUM ANALYZE readings_minute');
    await pool.query('VACUUM ANALYZE sensor_metrics');
  } finally {
    await pool.end();
  }
}

/** ms from a click on the 30d preset to the chart holding the new frame, and the statistics request's time. */
async function clickToChart(page: Page, preset: '7d' | '30d'): Promise<{ chartMs: number; requestMs: number }> {
  await page.evaluate(`(() => {
    const plot = document.querySelector('.plot[data-metric="temperature"]');
    window.__bench = { clickAt: 0, drawnAt: 0, from: plot.dataset.from };
    performance.clearResourceTimings();
    new MutationObserver((changes, observer) => {
      if (plot.dataset.from !== window.__bench.from) { window.__bench.drawnAt = performance.now(); observer.disconnect(); }
    }).observe(plot, { attributes: true });
    document.querySelector('button[data-range="${preset}"]').addEventListener('click', () => { window.__bench.clickAt = performance.now(); }, { capture: true, once: true });
  })()`);
  await page.click(`button[data-range="${preset}"]`);
  // a function, not a string: a string would be eval'd in the page, which its CSP forbids
  await page.waitForFunction(
    () => (globalThis as unknown as { __bench: { drawnAt: number } }).__bench.drawnAt > 0,
    undefined,
    {
      timeout: 30_000,
    },
  );
  const r = (await page.evaluate(`(() => {
    const stats = performance.getEntriesByType('resource').filter((e) => e.name.includes('/statistics?'));
    const last = stats[stats.length - 1];
    return { chartMs: window.__bench.drawnAt - window.__bench.clickAt, requestMs: last ? last.responseEnd - last.startTime : -1 };
  })()`)) as { chartMs: number; requestMs: number };
  return r;
}

async function main(): Promise<void> {
  const quick = process.env.BENCH_QUICK === '1';
  const config = loadConfig();
  const logger = createLogger({ name: 'bench-dashboard', level: 'warn' });
  const runDir = path.join(repoRoot, '.run', 'bench-dashboard');
  // the server's maintenance database to create the bench's own: the stack's database may not exist yet
  const databaseUrl = await prepareBenchDatabase(onDatabase(config.postgres.url, 'postgres'), logger);
  const sensorId = 'dash-30-days';
  const to = Math.floor(Date.now() / 60_000) * 60_000;
  say(`dashboard bench: seeding ${SENSORS} sensors and 30 days of one sensor (a reading every 10 s)`);
  await seed(databaseUrl, sensorId, to);

  const port = await freePort();
  const assessor = serviceProcess(
    'assessor',
    'assessor',
    port,
    {
      DATABASE_URL: databaseUrl,
      ASSESSOR_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      METRICS_STATE_DIR: path.join(runDir, 'state'),
    },
    runDir,
  );
  await assessor.start();
  const browser = await launchChromium();
  try {
    const base = assessor.baseUrl;
    // first load of the sensors page, cold cache each time
    const firstLoad: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const start = performance.now();
      await page.goto(`${base}/#/sensors`);
      await page.locator('.sensor-list[aria-busy="false"] tbody tr').nth(49).waitFor({ timeout: 30_000 });
      firstLoad.push(performance.now() - start);
      await context.close();
    }
    say(`  first load of the sensors page: median ${ms(median(firstLoad))}, max ${ms(max(firstLoad))}`);

    // 30-day chart: click to drawn
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${base}/#/sensor/${sensorId}?range=7d&metric=temperature`);
    await page.locator('.plot[data-metric="temperature"][data-points]').waitFor({ timeout: 30_000 });
    const chart: number[] = [];
    const request: number[] = [];
    let points = 0;
    let bucket: string | null = null;
    for (let i = 0; i < RUNS; i++) {
      const r = await clickToChart(page, '30d');
      chart.push(r.chartMs);
      request.push(r.requestMs);
      points = Number(await page.locator('.plot[data-metric="temperature"]').getAttribute('data-points'));
      bucket = await page.locator('section[data-metric="temperature"]').getAttribute('data-bucket');
      await clickToChart(page, '7d');
    }
    await context.close();
    say(
      `  30-day chart (${points} points, ${bucket} buckets): click to drawn median ${ms(median(chart))}, max ${ms(max(chart))}; its statistics request median ${ms(median(request))}`,
    );

    // the statistics request straight over HTTP
    const q = new URLSearchParams({
      metric: 'temperature',
      from: new Date(to - 30 * DAY_MS).toISOString(),
      to: new Date(to).toISOString(),
      bucket: bucket ?? 'hour',
    });
    const direct: number[] = [];
    for (let i = 0; i < 22; i++) {
      const start = performance.now();
      const res = await fetch(`${base}/api/v1/sensors/${sensorId}/statistics?${q}`);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`statistics answered ${res.status}`);
      if (i >= 2) direct.push(performance.now() - start);
    }
    say(`  statistics request over HTTP (30 days, ${bucket}): median ${ms(median(direct))}, max ${ms(max(direct))}`);

    const assets = path.join(repoRoot, 'dist', 'dashboard', 'assets');
    const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
    const jsRaw = js.reduce((n, f) => n + readFileSync(path.join(assets, f)).length, 0);
    const jsGzip = js.reduce((n, f) => n + gzipSync(readFileSync(path.join(assets, f)), { level: 9 }).length, 0);
    say(`  JavaScript shipped: ${(jsRaw / 1024).toFixed(1)} KiB, ${(jsGzip / 1024).toFixed(1)} KiB gzipped`);

    const row = (what: string, value: string, target: string, ok: boolean) =>
      `| ${what} | ${value} | ${target} | ${ok ? 'met' : '**missed**'} |`;
    const report = [
      '# Dashboard bench',
      '',
      `\`make bench-dashboard\`, ${new Date().toISOString()}${quick ? ' (quick run)' : ''}. ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB.`,
      `Assessor from dist/ on the bench database: ${SENSORS} sensors of 3 metrics, one sensor with a reading every`,
      `10 s for 30 days; Debian's chromium, headless, 1280×800, ${RUNS} runs each (median; max in brackets).`,
      '',
      '| measure | result | target | |',
      '|---|---|---|---|',
      row(
        'first load of the sensors page (new context, empty cache) to the table drawn',
        `${ms(median(firstLoad))} (${ms(max(firstLoad))})`,
        '< 1 s',
        median(firstLoad) < TARGETS.firstLoadMs,
      ),
      row(
        `30-day chart, click to drawn (${points} points, ${bucket} buckets)`,
        `${ms(median(chart))} (${ms(max(chart))})`,
        '< 300 ms',
        median(chart) < TARGETS.chartMs,
      ),
      row(
        'its statistics request, in the browser',
        `${ms(median(request))} (${ms(max(request))})`,
        '< 50 ms',
        median(request) < TARGETS.statisticsMs,
      ),
      row(
        'the same request over HTTP, 20 calls',
        `${ms(median(direct))} (${ms(max(direct))})`,
        '< 50 ms',
        median(direct) < TARGETS.statisticsMs,
      ),
      row(
        'JavaScript shipped, gzipped',
        `${(jsGzip / 1024).toFixed(1)} KiB (${(jsRaw / 1024).toFixed(1)} KiB raw)`,
        '< 200 KB',
        jsGzip < TARGETS.jsGzipBytes,
      ),
      '',
    ].join('\n');
    const file = quick
      ? path.join(repoRoot, '.run', 'bench', 'dashboard.md')
      : path.join(repoRoot, 'bench', 'reports', 'dashboard.md');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, report);
    say(`  report: ${path.relative(repoRoot, file)}`);
  } finally {
    await browser.close();
    await assessor.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`dashboard bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
