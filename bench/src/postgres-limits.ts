// The PostgreSQL ingest limit: the readings' rows written as fast as pg (or psql) can, one connection
// at a time like the saver's group commit.
//  - UNNEST multi-row INSERT (the saver's statement shape, without its rollups), 5,000 rows each, into
//    a table with the columns of `readings` and no index; and the same into a copy with its indexes;
//  - COPY FROM STDIN through `psql \copy` of a CSV file (pg-copy-streams is not a dependency);
//  - and, to tell the saver's SQL from its Kafka side, the saver's own transaction (writeBatch, imported
//    from saver/src/writer.ts so it is always the statement the saver runs) on the same batches.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { writeBatch } from '../../saver/src/writer';
import { iso, type Reading } from '../../shared/src';
import type { BenchContext } from './bench-context';
import type { PgIngest, RateFigure } from './bench-result';
import { readingSource } from './kafka-limits';

const PLAIN = 'bench_ingest_plain';
const INDEXED = 'bench_ingest_indexed';

/** A reading as a CSV line for COPY (ids and sensor ids never hold commas or quotes). Pure. */
export function csvLine(r: Reading): string {
  return `${r.id},${r.sensorId},${r.metric},${r.value},${iso(r.at)},${iso(r.receivedAt)}\n`;
}

async function unnestInto(ctx: BenchContext, table: string, batches: Reading[][]): Promise<RateFigure> {
  const client = await ctx.pool.connect();
  let rows = 0;
  let ms = 0;
  try {
    for (const b of batches) {
      const params = [
        b.map((r) => r.id),
        b.map((r) => r.sensorId),
        b.map((r) => r.metric),
        b.map((r) => r.value),
        b.map((r) => iso(r.at)),
        b.map((r) => iso(r.receivedAt)),
      ];
      const start = performance.now();
      await client.query(
        `INSERT INTO ${table} (id, sensor_id, metric, value, at, received_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::timestamptz[], $6::timestamptz[])`,
        params,
      );
      ms += performance.now() - start;
      rows += b.length;
    }
  } finally {
    client.release();
  }
  return { items: rows, seconds: ms / 1000, perSecond: rows / (ms / 1000) };
}

function run(command: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (err) => resolve({ code: -1, stderr: err.message }));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

async function copyInto(ctx: BenchContext, table: string, batches: Reading[][]): Promise<RateFigure | null> {
  const file = path.join(ctx.logDir, 'ingest.csv');
  const stream = createWriteStream(file);
  let rows = 0;
  for (const b of batches) {
    stream.write(b.map(csvLine).join(''));
    rows += b.length;
  }
  await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  try {
    const start = performance.now();
    const { code, stderr } = await run('psql', [
      ctx.databaseUrl,
      '-v',
      'ON_ERROR_STOP=1',
      '-qc',
      `\\copy ${table} (id, sensor_id, metric, value, at, received_at) FROM '${file}' WITH (FORMAT csv)`,
    ]);
    const ms = performance.now() - start;
    if (code !== 0) {
      ctx.notes.push(`psql \\copy failed (${code}): ${stderr.trim().split('\n')[0]}; no COPY figure`);
      return null;
    }
    return { items: rows, seconds: ms / 1000, perSecond: rows / (ms / 1000) };
  } finally {
    await rm(file, { force: true });
  }
}

/** The saver's transaction per batch into the real tables (emptied before and after). */
async function saverTransaction(ctx: BenchContext, batches: Reading[][]): Promise<RateFigure> {
  await ctx.pool.query('TRUNCATE readings, readings_minute, events, sensor_metrics');
  let rows = 0;
  let ms = 0;
  try {
    for (const b of batches) {
      const start = performance.now();
      await writeBatch(ctx.pool, b, []);
      ms += performance.now() - start;
      rows += b.length;
    }
  } finally {
    await ctx.pool.query('TRUNCATE readings, readings_minute, events, sensor_metrics');
  }
  return { items: rows, seconds: ms / 1000, perSecond: rows / (ms / 1000) };
}

export async function measurePgIngest(ctx: BenchContext, total: number, batch: number): Promise<PgIngest> {
  const next = readingSource(`bench-${ctx.runId}-pg-`, 11);
  const batches: Reading[][] = [];
  for (let made = 0; made < total; made += batch) batches.push(next(Math.min(batch, total - made)));
  const recreate = async () => {
    await ctx.pool.query(`DROP TABLE IF EXISTS ${PLAIN}, ${INDEXED}`);
    await ctx.pool.query(`CREATE TABLE ${PLAIN} (LIKE readings INCLUDING DEFAULTS)`);
    await ctx.pool.query(`CREATE TABLE ${INDEXED} (LIKE readings INCLUDING ALL)`);
    // start each method from a clean WAL state (needs superuser, as the local postgres role is)
    await ctx.pool.query('CHECKPOINT').catch(() => undefined);
  };
  try {
    await recreate();
    const unnestPlain = await unnestInto(ctx, PLAIN, batches);
    const unnestIndexed = await unnestInto(ctx, INDEXED, batches);
    await recreate();
    const copyPlain = await copyInto(ctx, PLAIN, batches);
    const saver = await saverTransaction(ctx, batches);
    const fastest = copyPlain && copyPlain.perSecond > unnestPlain.perSecond ? 'copy' : 'unnest';
    return {
      rows: total,
      saverTransaction: saver,
      unnestPlain,
      unnestIndexed,
      copyPlain,
      fastest,
      limit: fastest === 'copy' && copyPlain ? copyPlain : unnestPlain,
    };
  } finally {
    await ctx.pool.query(`DROP TABLE IF EXISTS ${PLAIN}, ${INDEXED}`);
  }
}
