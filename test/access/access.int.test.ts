// Access suite: the access corpus (access-corpus.ts) against the REAL receiver (RECEIVER_AUTH=on) and
// assessor (ASSESSOR_AUTH=on), child processes from dist/ (`npm run build` first), with a saver behind
// the receiver so that anything wrongly accepted would be stored and seen. The tokens are made through
// the assessor's API with the admin token of METRICS_ADMIN_TOKEN, as an operator would.
//
// For every case: the expected status (401, 403 or 400), the contract's JSON error naming the field
// (Node's own refusals of NULs and oversized headers excepted: any 4xx or a closed connection), and
// afterwards both services answer /health and no child exited. At the end: nothing of the `bad`
// prefix, and nothing of the covered sensors the corpus used, is on the readings topic or in
// PostgreSQL; the token the corpus tried to mint does not exist; and no token appears in any service
// log, written at trace level.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { createPool, generateToken, readingCodec } from '../../shared/src';
import type { Service } from '../bad-input/corpus';
import { exchange, frame, type RawResponse } from '../bad-input/raw-http';
import { freePort, type ServiceProcess, serviceEnv, serviceProcess } from '../../bench/src/service-process';
import { testConfig, waitFor } from '../helpers';
import { kafkaWithTopics, readTopic, silentLogger, type TopicReader } from '../kafka';
import { type AccessCase, type AccessContext, buildAccessCorpus } from './access-corpus';

const repo = path.resolve(__dirname, '..', '..');
const run = randomUUID().slice(0, 8);
const runDir = path.join(repo, '.run', 'access', `run-${run}`);
const prefix = { bad: `ac-${run}-bad`, covered: `ac-${run}-gw`, other: `ac-${run}-other`, ok: `ac-${run}-gw-ok` };

const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
};

function problemsOf(c: AccessCase, r: RawResponse): string[] {
  if (r.timedOut) return ['no answer within 30 s'];
  if (r.status === undefined) return c.origin === 'node' ? [] : ['the connection closed without an answer'];
  if (r.status >= 500) return [`answered ${r.status}: no input may yield a 5xx`];
  if (c.expected === '4xx' ? r.status < 400 || r.status >= 500 : r.status !== c.expected) {
    return [`answered ${r.status}, expected ${c.expected}`];
  }
  const json = /^application\/json/i.test(r.headers['content-type'] ?? '');
  if (c.origin === 'node' && !json) return [];
  const body = parseJson(r.body) as { result?: unknown; response?: Array<{ field?: unknown; message?: unknown }> };
  const shaped =
    json &&
    body?.result === false &&
    Array.isArray(body.response) &&
    body.response.length > 0 &&
    body.response.every((d) => typeof d.field === 'string' && typeof d.message === 'string');
  if (!shaped) return [`not the contract's JSON error: ${r.body.toString('utf8').slice(0, 200)}`];
  if (c.field && !body.response!.some((d) => d.field === c.field)) return [`no error names field "${c.field}"`];
  if (r.status === 401 && !/^Bearer/.test(r.headers['www-authenticate'] ?? ''))
    return ['a 401 without WWW-Authenticate: Bearer'];
  return [];
}

describe('the access corpus against the real receiver and assessor', () => {
  const config = testConfig();
  const adminToken = generateToken();
  const ports: Record<Service, number> = { receiver: 0, assessor: 0 };
  const services: Record<string, ServiceProcess> = {};
  const secrets: string[] = [adminToken];
  let tokens: AccessContext['tokens'];
  let corpus: AccessCase[] = [];
  const intruder = `ac-${run}-intruder`;
  let kafka: Kafka;
  let admin: Admin;
  let reader: TopicReader;
  let pool: Pool;

  const call = (
    service: Service,
    method: string,
    target: string,
    headers: Record<string, string> = {},
    body?: unknown,
  ) =>
    exchange(
      ports[service],
      frame(ports[service], {
        method,
        path: target,
        headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
        body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
      }),
    );
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const mint = async (name: string, role: string, sensors?: string[]) => {
    const r = await call('assessor', 'POST', '/api/v1/tokens', bearer(adminToken), {
      name: `ac-${run}-${name}`,
      role,
      sensors,
    });
    expect(r.status).toBe(201);
    const token = (parseJson(r.body) as { token: string }).token;
    secrets.push(token);
    return token;
  };
  const alive = (p: ServiceProcess) => {
    try {
      return p.pid !== undefined && process.kill(p.pid, 0);
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    mkdirSync(runDir, { recursive: true });
    kafka = await kafkaWithTopics(config);
    admin = kafka.admin();
    await admin.connect();
    reader = await readTopic(kafka, config.kafka.readingsTopic);
    pool = createPool({ ...config.postgres, poolSize: 2 }, silentLogger);
    ports.receiver = await freePort();
    ports.assessor = await freePort();
    const env = serviceEnv(config, {
      LOG_LEVEL: 'trace',
      RECEIVER_AUTH: 'on',
      ASSESSOR_AUTH: 'on',
      METRICS_ADMIN_TOKEN: adminToken,
      METRICS_STATE_DIR: path.join(runDir, 'state'),
      // the corpus fails many checks from one address on purpose; the brake has tests of its own
      AUTH_FAILED_CHECKS_PER_MINUTE: '0',
      RECEIVER_PORT: String(ports.receiver),
      ASSESSOR_PORT: String(ports.assessor),
      SAVER_FLUSH_MS: '50',
    });
    services.assessor = serviceProcess('assessor', 'assessor', ports.assessor, env, runDir);
    await services.assessor.start(); // first: it migrates and puts the admin token
    services.receiver = serviceProcess('receiver', 'receiver', ports.receiver, env, runDir);
    services.saver = serviceProcess('saver', 'saver', await freePort(), env, runDir);
    await Promise.all([services.receiver.start(), services.saver.start()]);

    tokens = {
      gateway: await mint('gateway', 'sensor', [`${prefix.covered}-*`]),
      other: await mint('other', 'sensor', [`${prefix.other}-*`]),
      viewer: await mint('viewer', 'viewer'),
      operator: await mint('operator', 'operator'),
      admin: await mint('admin2', 'admin'),
      revoked: await mint('revoked', 'sensor', [`${prefix.covered}-*`]),
    };
    // the revoked token is used once (so the receiver has it cached), then revoked through the API
    const used = await call(
      'receiver',
      'POST',
      `/api/v1/sensors/${prefix.ok}-before-revoke/measurements`,
      bearer(tokens.revoked),
      {
        temperature: 1,
      },
    );
    expect(used.status).toBe(200);
    expect((await call('assessor', 'DELETE', `/api/v1/tokens/ac-${run}-revoked`, bearer(adminToken))).status).toBe(204);
    const revokedAt = Date.now();
    await waitFor(
      async () =>
        (
          await call(
            'receiver',
            'POST',
            `/api/v1/sensors/${prefix.bad}-revoke-probe/measurements`,
            bearer(tokens.revoked),
            { t: 1 },
          )
        ).status === 401,
      { timeoutMs: 10_000, intervalMs: 250, what: 'the receiver to refuse the revoked token' },
    );
    expect(Date.now() - revokedAt).toBeLessThan(10_000);

    corpus = buildAccessCorpus({
      bad: (tag) => `${prefix.bad}-${tag}`,
      covered: (tag) => `${prefix.covered}-${tag}`,
      tokens,
      intruder,
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(Object.values(services).map((p) => p.stop()));
    await pool?.query('DELETE FROM tokens WHERE name LIKE $1', [`ac-${run}-%`]).catch(() => undefined);
    await reader?.close();
    await admin?.disconnect();
    await pool?.end();
  }, 90_000);

  afterEach(async () => {
    const down: string[] = [];
    for (const [name, p] of Object.entries(services)) if (!alive(p)) down.push(`${name} exited (see ${p.logFile})`);
    for (const service of ['receiver', 'assessor'] as const) {
      const health = await call(service, 'GET', '/health');
      if (health.status !== 200) down.push(`${service} GET /health answered ${health.status ?? 'nothing'}`);
    }
    expect(down).toEqual([]);
  });

  it('the corpus has cases of every kind the issue names, under unique names', () => {
    const names = corpus.map((c) => c.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    for (const kind of [
      'no token',
      'malformed',
      'another sensor',
      'revoked',
      'viewer token on a write',
      '?token=',
      'characters',
      'NUL',
    ]) {
      expect(names.some((n) => n.includes(kind))).toBe(true);
    }
    expect(corpus.length).toBeGreaterThan(50);
  });

  it('every case is refused as expected, with the JSON error shape', async () => {
    const failed: string[] = [];
    const byStatus: Record<string, number> = {};
    for (const c of corpus) {
      const port = ports[c.service];
      const r = await exchange(
        port,
        c.raw ?? frame(port, { method: c.method, path: c.path, headers: c.headers, body: c.body }),
      );
      byStatus[String(r.status ?? 'closed')] = (byStatus[String(r.status ?? 'closed')] ?? 0) + 1;
      const problems = problemsOf(c, r);
      if (problems.length) failed.push(`${c.name}: ${problems.join('; ')}`);
      // both services stay up after each case
      for (const service of ['receiver', 'assessor'] as const) {
        if ((await call(service, 'GET', '/health')).status !== 200)
          failed.push(`${c.name}: ${service} /health failed afterwards`);
      }
    }
    process.stdout.write(
      `\naccess corpus (run ${run}): ${corpus.length} cases; answers by status ${JSON.stringify(byStatus)}\n`,
    );
    expect(failed).toEqual([]);
  });

  it('a good token still posts and reads (the corpus did not lock anyone out)', async () => {
    const ok = await call('receiver', 'POST', '/api/v1/measurements', bearer(tokens.gateway), [
      { sensorId: `${prefix.ok}-after`, temperature: 22 },
    ]);
    expect(ok.status).toBe(200);
    expect((await call('assessor', 'GET', '/api/v1/sensors', bearer(tokens.viewer))).status).toBe(200);
  });

  it('nothing the corpus sent is on the readings topic or in PostgreSQL, and no token was minted', async () => {
    // a barrier: valid readings on every partition, stored by the saver
    const barrier: string[] = [];
    for (let round = 0; round < 10; round++) {
      const ids = Array.from({ length: 10 }, (_, i) => `${prefix.ok}-barrier-${round}-${i}`);
      barrier.push(...ids);
      const r = await call(
        'receiver',
        'POST',
        '/api/v1/measurements',
        bearer(tokens.gateway),
        ids.map((sensorId) => ({ sensorId, temperature: 20 })),
      );
      expect(r.status).toBe(200);
      await reader.until((m) => ids.every((id) => m.some((x) => x.key?.toString() === id)), 'the barrier on the topic');
      if (
        new Set(reader.messages.filter((m) => m.key?.toString().includes('barrier')).map((m) => m.partition)).size ===
        config.kafka.partitions
      )
        break;
    }
    const offsets = await admin.fetchTopicOffsets(config.kafka.readingsTopic);
    const total = offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
    await reader.until((m) => m.length >= total, 'the whole readings topic');
    await waitFor(
      async () =>
        (await pool.query('SELECT count(*)::int AS n FROM readings WHERE sensor_id = ANY($1)', [barrier])).rows[0].n ===
        barrier.length,
      { timeoutMs: 60_000, intervalMs: 200, what: 'the barrier stored' },
    );
    const published = reader.messages.map((m) => readingCodec.decode(m.value).sensorId);
    const stored = (
      await pool.query<{ sensor_id: string }>('SELECT DISTINCT sensor_id FROM readings WHERE sensor_id LIKE $1', [
        `ac-${run}-%`,
      ])
    ).rows.map((r) => r.sensor_id);
    // what may be there: the readings posted with good tokens (the ok prefix)
    const foreign = (ids: string[]) => [...new Set(ids)].filter((id) => !id.startsWith(prefix.ok));
    expect({ published: foreign(published), stored: foreign(stored) }).toEqual({ published: [], stored: [] });
    expect((await pool.query('SELECT 1 FROM tokens WHERE name LIKE $1', [`${intruder}%`])).rowCount).toBe(0);
  });

  it('no token appears in any service log (written at trace level)', () => {
    for (const p of Object.values(services)) {
      const log = readFileSync(p.logFile, 'utf8');
      expect(log.length).toBeGreaterThan(0);
      for (const secret of secrets) {
        if (log.includes(secret)) throw new Error(`${p.name}'s log (${p.logFile}) holds a token`);
      }
    }
  });
});
