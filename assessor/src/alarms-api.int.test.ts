// The alarms API, the rules API and GET /api/v1/me on real Kafka and PostgreSQL: the assessor
// in-process (supertest), the saver in-process keeping the alarms table from the alarms topic, and a
// stand-in for the processor (another part's) that answers a clear command in the readings topic with
// the cleared transition, as the processor does.
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import request from 'supertest';
import {
  type AlarmMessage,
  AppError,
  alarmCodec,
  commandCodec,
  createPool,
  createProducer,
  createTokenStore,
  ruleSetCodec,
  SCHEMA_IDS,
  schemaIdOf,
  type SensorCommand,
} from '../../shared/src';
import { alarm, cleared, produceAlarms } from '../../test/alarms';
import { testConfig, waitFor } from '../../test/helpers';
import { kafkaWithTopics, readTopic, silentLogger, type TopicReader } from '../../test/kafka';
import { startSaver } from '../../test/services';
import { createApp } from './app';
import { createAssessorAccess } from './assessor-access';
import { createPublisher } from './publisher';

const run = randomUUID().slice(0, 8);
const tokenName = (role: string) => `alarms-${run}-${role}`;
const SEC = 1000;
/** A window of raisedAt no other test uses, so the lists across sensors hold only this file's alarms. */
const T0 = Date.parse('2291-03-04T05:06:07.891Z') + Math.floor(Math.random() * 1e9);

describe('alarms and rules API', () => {
  const config = testConfig({ SAVER_FLUSH_MS: '20' });
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  let saver: Awaited<ReturnType<typeof startSaver>>;
  const tokens: Record<string, string> = {};

  function assessor(options: { auth?: 'off' | 'on'; clearWaitMs?: number } = {}): Express {
    return createApp({
      config: { ...config.assessor, clearWaitMs: options.clearWaitMs ?? config.assessor.clearWaitMs },
      pool,
      registry: new Registry(),
      logger: silentLogger,
      access: createAssessorAccess({ pool, auth: options.auth, failedChecksPerMinute: 1000 }),
      publisher: createPublisher({ producer, timeoutMs: 5000 }),
      topics: {
        readings: config.kafka.readingsTopic,
        alarms: config.kafka.alarmsTopic,
        rules: config.kafka.rulesTopic,
      },
      configuredRules: config.processor.rules,
    });
  }
  const as = (role: string | undefined, r: request.Test) =>
    role === undefined ? r : r.set('Authorization', `Bearer ${tokens[role]}`);
  const expectError = (res: request.Response, status: number, field: string) => {
    expect(res.status).toBe(status);
    expect(res.body.result).toBe(false);
    expect(res.body.response).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  };
  const stored = (id: string) =>
    waitFor(async () => (await pool.query('SELECT 1 FROM alarms WHERE id = $1', [id])).rowCount === 1, {
      what: `alarm ${id} stored`,
    });

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
    pool = createPool({ ...config.postgres, poolSize: 6 }, silentLogger);
    saver = await startSaver(config, kafka);
    const store = createTokenStore(pool);
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      tokens[role] = (await store.create({ name: tokenName(role), role })).token;
    }
  });
  afterAll(async () => {
    await saver?.stop();
    await producer?.disconnect();
    await pool?.query('DELETE FROM tokens WHERE name LIKE $1', [`alarms-${run}-%`]);
    await pool?.end();
  });

  describe('lists and one alarm', () => {
    const s1 = `alarms-${run}-a`;
    const s2 = `alarms-${run}-b`;
    // newest first: a0 is the newest
    const seeds: AlarmMessage[] = [
      alarm({ sensorId: s1, raisedAt: T0 + 60 * SEC, severity: 'critical', rule: 'hot', peak: 107 }),
      alarm({ sensorId: s2, raisedAt: T0 + 50 * SEC }),
      alarm({ sensorId: s1, raisedAt: T0 + 40 * SEC, rule: 'humid', metric: 'humidity', type: 'HUMIDITY_EXCEEDED' }),
      alarm({ sensorId: s2, raisedAt: T0 + 30 * SEC, severity: 'minor' }),
      alarm({
        sensorId: s1,
        raisedAt: T0 + 20 * SEC,
        rule: 'silent',
        metric: null,
        type: 'SENSOR_SILENT',
        value: null,
        peak: null,
      }),
      alarm({ sensorId: s2, raisedAt: T0 + 10 * SEC }),
      alarm({ sensorId: s1, raisedAt: T0 }),
    ];
    const ids = seeds.map((s) => s.id);
    const window = `from=${new Date(T0).toISOString()}&to=${new Date(T0 + 61 * SEC).toISOString()}`;
    const list = async (query: string, path = '/api/v1/alarms') => {
      const res = await request(assessor()).get(`${path}?${query}`);
      expect(res.status).toBe(200);
      return res.body.alarms.map((a: { id: string }) => a.id);
    };

    beforeAll(async () => {
      const transitions = [...seeds];
      // a1 cleared by its rule, a3 acknowledged, a5 cleared and acknowledged
      transitions.push(cleared(seeds[1], T0 + 55 * SEC));
      const ack = (a: AlarmMessage, at: number): AlarmMessage => ({
        ...a,
        transition: 'acknowledged',
        acknowledged: true,
        acknowledgedAt: at,
        acknowledgedBy: 'ann',
      });
      transitions.push(ack(seeds[3], T0 + 35 * SEC));
      transitions.push(cleared(seeds[5], T0 + 15 * SEC), ack(seeds[5], T0 + 16 * SEC));
      await produceAlarms(producer, config.kafka.alarmsTopic, transitions);
      await waitFor(
        async () =>
          (
            await pool.query(
              `SELECT count(*)::int AS n FROM alarms WHERE id = ANY($1)
                 AND (id <> $2 OR status = 'cleared') AND (id <> $3 OR acknowledged_at IS NOT NULL)
                 AND (id <> $4 OR acknowledged_at IS NOT NULL)`,
              [ids, ids[1], ids[3], ids[5]],
            )
          ).rows[0].n === seeds.length,
        { what: 'the seeded alarms stored' },
      );
    });

    it('when listed, then they come newest first in the contract shape', async () => {
      const res = await request(assessor()).get(`/api/v1/alarms?${window}`);
      expect(res.status).toBe(200);
      expect(res.body.alarms.map((a: { id: string }) => a.id)).toEqual(ids);
      expect(res.body.nextCursor).toBeNull();
      const raisedAt = new Date(T0 + 60 * SEC).toISOString();
      // exactly the contract's fields, in its order
      expect(JSON.stringify(res.body.alarms[0])).toBe(
        JSON.stringify({
          id: ids[0],
          sensorId: s1,
          rule: 'hot',
          metric: 'temperature',
          type: 'TEMPERATURE_EXCEEDED',
          severity: 'critical',
          status: 'active',
          acknowledged: false,
          raisedAt,
          value: 99,
          peak: 107,
          events: 1,
          warnings: 3,
          lastWarningAt: new Date(T0 + 60 * SEC).toISOString(),
          clearedAt: null,
          clearedBy: null,
          acknowledgedAt: null,
          acknowledgedBy: null,
          comment: null,
        }),
      );
      expect(res.body.alarms[4]).toMatchObject({ type: 'SENSOR_SILENT', metric: null, value: null, peak: null });
      expect(res.body.alarms[5]).toMatchObject({
        status: 'cleared',
        clearedAt: new Date(T0 + 15 * SEC).toISOString(),
        clearedBy: 'rule',
        acknowledged: true,
        acknowledgedAt: new Date(T0 + 16 * SEC).toISOString(),
        acknowledgedBy: 'ann',
      });
    });

    it('when filtered, then each filter narrows the list', async () => {
      expect(await list(`${window}&status=active`)).toEqual([ids[0], ids[2], ids[3], ids[4], ids[6]]);
      expect(await list(`${window}&status=cleared`)).toEqual([ids[1], ids[5]]);
      expect(await list(`${window}&acknowledged=true`)).toEqual([ids[3], ids[5]]);
      expect(await list(`${window}&acknowledged=false&status=active`)).toEqual([ids[0], ids[2], ids[4], ids[6]]);
      expect(await list(`${window}&sensorId=${s2}`)).toEqual([ids[1], ids[3], ids[5]]);
      expect(await list(`${window}&rule=humid`)).toEqual([ids[2]]);
      expect(await list(`${window}&type=SENSOR_SILENT`)).toEqual([ids[4]]);
      expect(await list(`${window}&severity=minor`)).toEqual([ids[3]]);
      // from included, to excluded, on raisedAt
      const from = new Date(T0 + 20 * SEC).toISOString();
      const to = new Date(T0 + 50 * SEC).toISOString();
      expect(await list(`from=${from}&to=${to}`)).toEqual([ids[2], ids[3], ids[4]]);
      expect(await list('status=active', `/api/v1/sensors/${s1}/alarms`)).toEqual([ids[0], ids[2], ids[4], ids[6]]);
      expect(await list('', `/api/v1/sensors/${s2}/alarms`)).toEqual([ids[1], ids[3], ids[5]]);
      expect(await list('', `/api/v1/sensors/alarms-${run}-nobody/alarms`)).toEqual([]);
    });

    it('when paged, then following nextCursor gives every alarm once, in order', async () => {
      const seen: string[] = [];
      let cursor = '';
      for (let pages = 0; pages < 10; pages++) {
        const res = await request(assessor()).get(`/api/v1/alarms?${window}&limit=3&cursor=${cursor}`);
        expect(res.status).toBe(200);
        seen.push(...res.body.alarms.map((a: { id: string }) => a.id));
        if (res.body.nextCursor === null) break;
        cursor = res.body.nextCursor;
      }
      expect(seen).toEqual(ids);
      const sensorPage = await request(assessor()).get(`/api/v1/sensors/${s1}/alarms?limit=2`);
      const next = await request(assessor()).get(
        `/api/v1/sensors/${s1}/alarms?limit=2&cursor=${sensorPage.body.nextCursor}`,
      );
      expect([...sensorPage.body.alarms, ...next.body.alarms].map((a: { id: string }) => a.id)).toEqual([
        ids[0],
        ids[2],
        ids[4],
        ids[6],
      ]);
    });

    it('when a parameter is bad, then 400 names it', async () => {
      const app = assessor();
      expectError(await request(app).get('/api/v1/alarms?status=open'), 400, 'status');
      expectError(await request(app).get('/api/v1/alarms?acknowledged=yes'), 400, 'acknowledged');
      expectError(await request(app).get('/api/v1/alarms?severity=huge'), 400, 'severity');
      expectError(await request(app).get('/api/v1/alarms?rule=Bad%20Rule'), 400, 'rule');
      expectError(await request(app).get('/api/v1/alarms?order=stored'), 400, 'order');
      expectError(await request(app).get(`/api/v1/sensors/${s1}/alarms?sensorId=${s2}`), 400, 'sensorId');
      const events = await request(app).get('/api/v1/events?limit=1');
      const eventCursor = events.body.nextCursor ?? Buffer.from('["e","1","x"]').toString('base64url');
      expectError(await request(app).get(`/api/v1/alarms?cursor=${eventCursor}`), 400, 'cursor');
    });

    it('when one alarm is asked for, then 200 with it, 404 for an unknown id, 400 for a malformed one', async () => {
      const app = assessor();
      const one = await request(app).get(`/api/v1/alarms/${ids[3]}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id: ids[3], sensorId: s2, acknowledged: true, acknowledgedBy: 'ann' });
      expect((await request(app).get(`/api/v1/alarms/${ids[3].toUpperCase()}`)).body.id).toBe(ids[3]);
      expectError(await request(app).get(`/api/v1/alarms/${randomUUID()}`), 404, 'id');
      expectError(await request(app).get('/api/v1/alarms/not-a-uuid'), 400, 'id');
      expectError(await request(app).get(`/api/v1/alarms/${ids[3]}?x=1`), 400, 'x');
    });
  });

  describe('ack', () => {
    let alarms: TopicReader;
    beforeAll(async () => {
      alarms = await readTopic(kafka, config.kafka.alarmsTopic);
    });
    afterAll(async () => alarms?.close());
    const acksOf = (id: string) =>
      alarms.messages
        .map((m) => alarmCodec.decode(m.value))
        .filter((a) => a.id === id && a.transition === 'acknowledged');

    it('when acknowledged twice, then 200 both times with the first ack, and one transition on the alarms topic', async () => {
      const a = alarm({ sensorId: `alarms-${run}-ack`, raisedAt: T0 - 100 * SEC });
      await produceAlarms(producer, config.kafka.alarmsTopic, [a]);
      await stored(a.id);
      const app = assessor();
      const path = `/api/v1/alarms/${a.id}/ack`;

      expectError(await request(app).post(path), 401, 'authorization');
      expectError(await as('viewer', request(app).post(path)), 403, 'authorization');
      const first = await as('operator', request(app).post(path)).send({ comment: 'on it' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        id: a.id,
        status: 'active',
        acknowledged: true,
        acknowledgedAt: expect.stringMatching(/Z$/),
        acknowledgedBy: tokenName('operator'),
        comment: 'on it',
      });
      // a second ack, by someone else, with no body at all
      const second = await as('admin', request(app).post(path));
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first.body);
      expect((await request(app).get(`/api/v1/alarms/${a.id}`)).body).toEqual(first.body);

      await alarms.until(() => acksOf(a.id).length === 1, 'the ack on the alarms topic');
      const [message] = acksOf(a.id);
      expect(message).toMatchObject({
        sensorId: a.sensorId,
        acknowledged: true,
        acknowledgedAt: Date.parse(first.body.acknowledgedAt),
        acknowledgedBy: tokenName('operator'),
        comment: 'on it',
        version: a.version,
      });
      const keys = alarms.messages.filter((m) => alarmCodec.decode(m.value).id === a.id).map((m) => m.key?.toString());
      expect(new Set(keys)).toEqual(new Set([a.sensorId]));

      // the processor's next transition knows nothing of the ack: it is kept
      await produceAlarms(producer, config.kafka.alarmsTopic, [{ ...a, transition: 'updated', events: 2, version: 2 }]);
      await waitFor(async () => (await request(app).get(`/api/v1/alarms/${a.id}`)).body.events === 2, {
        what: 'the update stored',
      });
      expect((await request(app).get(`/api/v1/alarms/${a.id}`)).body).toMatchObject({
        acknowledged: true,
        acknowledgedBy: tokenName('operator'),
        acknowledgedAt: first.body.acknowledgedAt,
        comment: 'on it',
      });
      // a third ack publishes nothing more: a marker produced after it arrives, no second ack before it
      expect((await as('operator', request(app).post(path))).status).toBe(200);
      const marker = alarm({ sensorId: a.sensorId });
      await produceAlarms(producer, config.kafka.alarmsTopic, [marker]);
      await alarms.until((m) => m.some((x) => alarmCodec.decode(x.value).id === marker.id), 'the marker');
      expect(acksOf(a.id)).toHaveLength(1);
    });

    it('when the id, the body or the comment is bad, then 400; an unknown alarm is 404; nothing is published', async () => {
      const app = assessor();
      const a = alarm({ sensorId: `alarms-${run}-ackbad`, raisedAt: T0 - 200 * SEC });
      await produceAlarms(producer, config.kafka.alarmsTopic, [a]);
      await stored(a.id);
      const path = `/api/v1/alarms/${a.id}/ack`;
      expectError(await as('operator', request(app).post('/api/v1/alarms/nope/ack')), 400, 'id');
      expectError(await as('operator', request(app).post(`/api/v1/alarms/${randomUUID()}/ack`)), 404, 'id');
      expectError(await as('operator', request(app).post(path)).send({ comment: 'x'.repeat(1025) }), 400, 'comment');
      expectError(await as('operator', request(app).post(path)).send({ comment: 'é'.repeat(513) }), 400, 'comment');
      expectError(await as('operator', request(app).post(path)).send({ comment: 'ok', by: 'me' }), 400, 'by');
      expectError(await as('operator', request(app).post(path)).send({ comment: 7 }), 400, 'comment');
      expectError(await as('operator', request(app).post(path)).send([]), 400, 'body');
      expectError(
        await as('operator', request(app).post(path)).set('Content-Type', 'text/plain').send('hi'),
        415,
        'content-type',
      );
      expect((await request(app).get(`/api/v1/alarms/${a.id}`)).body.acknowledged).toBe(false);
      // exactly 1 KiB is fine
      const ok = await as('operator', request(app).post(path)).send({ comment: 'x'.repeat(1024) });
      expect(ok.status).toBe(200);
      expect(ok.body.comment).toHaveLength(1024);
    });
  });

  describe('clear', () => {
    let readings: Consumer;
    const commands: SensorCommand[] = [];

    beforeAll(async () => {
      // The processor's part, played here: a clear command of an active alarm clears it, with the
      // operator's name and comment, as the alarm's next version.
      readings = kafka.consumer({ groupId: `alarms-test-processor-${run}`, maxWaitTimeInMs: 50 });
      await readings.connect();
      await readings.subscribe({ topic: config.kafka.readingsTopic, fromBeginning: true });
      await readings.run({
        eachMessage: async ({ message }) => {
          if (schemaIdOf(message.value) !== SCHEMA_IDS.commandV1) return;
          const command = commandCodec.decode(message.value);
          commands.push(command);
          const row = (await pool.query('SELECT * FROM alarms WHERE id = $1', [command.alarmId])).rows[0];
          if (!row || row.status !== 'active' || command.sensorId.endsWith('-slow')) return;
          const current = alarm({
            id: row.id,
            sensorId: row.sensor_id,
            rule: row.rule,
            raisedAt: row.raised_at.getTime(),
            version: Number(row.version),
          });
          await produceAlarms(producer, config.kafka.alarmsTopic, [
            cleared(current, command.at, { clearedBy: command.by, comment: command.comment }),
          ]);
        },
      });
    });
    afterAll(async () => readings?.disconnect());

    it('when an operator clears an active alarm, then one command goes to the readings topic and 200 comes once it is stored cleared', async () => {
      const a = alarm({ sensorId: `alarms-${run}-clear`, raisedAt: T0 - 300 * SEC });
      await produceAlarms(producer, config.kafka.alarmsTopic, [a]);
      await stored(a.id);
      const app = assessor();
      const path = `/api/v1/alarms/${a.id}/clear`;
      expectError(await request(app).post(path), 401, 'authorization');
      expectError(await as('viewer', request(app).post(path)), 403, 'authorization');
      expectError(await as('operator', request(app).post(`/api/v1/alarms/${randomUUID()}/clear`)), 404, 'id');

      const res = await as('operator', request(app).post(path)).send({ comment: 'fan replaced' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: a.id,
        status: 'cleared',
        clearedAt: expect.stringMatching(/Z$/),
        clearedBy: tokenName('operator'),
        comment: 'fan replaced',
      });
      const mine = commands.filter((c) => c.alarmId === a.id);
      expect(mine).toEqual([
        {
          id: expect.any(String),
          kind: 'clear_alarm',
          sensorId: a.sensorId,
          rule: a.rule,
          alarmId: a.id,
          by: tokenName('operator'),
          comment: 'fan replaced',
          at: expect.any(Number),
        },
      ]);
      // cleared already: 200 with it at once, and no second command
      const again = await as('admin', request(app).post(path));
      expect(again.status).toBe(200);
      expect(again.body).toEqual(res.body);
      const marker = { ...mine[0], id: randomUUID(), alarmId: randomUUID(), sensorId: a.sensorId };
      await producer.send({
        topic: config.kafka.readingsTopic,
        acks: -1,
        messages: [{ key: a.sensorId, value: commandCodec.encode(marker) }],
      });
      await waitFor(() => commands.some((c) => c.id === marker.id), { what: 'the marker command read' });
      expect(commands.filter((c) => c.alarmId === a.id)).toHaveLength(1);
    });

    it('when the clear is not applied within ASSESSOR_CLEAR_WAIT_MS, then 202 with the alarm as it is', async () => {
      const a = alarm({ sensorId: `alarms-${run}-slow`, raisedAt: T0 - 400 * SEC });
      await produceAlarms(producer, config.kafka.alarmsTopic, [a]);
      await stored(a.id);
      const started = Date.now();
      const res = await as('operator', request(assessor({ clearWaitMs: 300 })).post(`/api/v1/alarms/${a.id}/clear`));
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ id: a.id, status: 'active', clearedBy: null });
      expect(Date.now() - started).toBeLessThan(3000);
      await waitFor(() => commands.some((c) => c.alarmId === a.id), { what: 'the command in the readings topic' });
    });
  });

  describe('rules', () => {
    let rulesTopic: TopicReader;
    beforeAll(async () => {
      // the table is global to the test database: start from "nothing stored" (no other test uses it)
      await pool.query('DELETE FROM rule_sets');
      rulesTopic = await readTopic(kafka, config.kafka.rulesTopic);
    });
    afterAll(async () => rulesTopic?.close());
    const published = () =>
      rulesTopic.messages.map((m) => ({ key: m.key?.toString(), ...ruleSetCodec.decode(m.value) }));

    it('when nothing was stored, then GET answers the configured rules in their v2 form as version 0', async () => {
      const res = await request(assessor()).get('/api/v1/rules');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        rules: [
          {
            kind: 'threshold',
            name: 'temperature',
            metric: 'temperature',
            comparison: '>=',
            threshold: 95,
            warningsForEvent: 3,
            type: 'TEMPERATURE_EXCEEDED',
            severity: 'major',
            sensors: [],
            clearThreshold: 95,
            clearAfter: 1,
          },
        ],
        version: 0,
      });
      expectError(await request(assessor()).get('/api/v1/rules?version=1'), 400, 'version');
    });

    it('when a rule set has problems, then 400 names every one and nothing is stored or published', async () => {
      const app = assessor();
      const bad = {
        rules: [
          { metric: 'temperature', threshold: 95, warningsForEvent: 0, colour: 'red' },
          { name: 'temperature', metric: 'temperature', threshold: 90, clearThreshold: 99 },
          { name: 'silent', kind: 'silence', afterSeconds: 60, metric: 'temperature', sensors: ['bad glob'] },
        ],
        extra: true,
      };
      expectError(await as(undefined, request(app).put('/api/v1/rules')).send(bad), 401, 'authorization');
      expectError(await as('viewer', request(app).put('/api/v1/rules')).send(bad), 403, 'authorization');
      const res = await as('operator', request(app).put('/api/v1/rules')).send(bad);
      expect(res.status).toBe(400);
      expect(res.body.response.map((p: { field: string }) => p.field).sort()).toEqual(
        [
          'extra',
          'rules[0].colour',
          'rules[0].warningsForEvent',
          'rules[1].clearThreshold',
          'rules[1].name',
          'rules[2].metric',
          'rules[2].sensors[0]',
        ].sort(),
      );
      expectError(await as('operator', request(app).put('/api/v1/rules')).send({}), 400, 'rules');
      expectError(await as('operator', request(app).put('/api/v1/rules')).send({ rules: '[]' }), 400, 'rules');
      expect((await request(app).get('/api/v1/rules')).body.version).toBe(0);
    });

    it('when rule sets are PUT, then each is the next version, GET answers the newest, and each is on the rules topic', async () => {
      const app = assessor();
      const rules = [
        { name: 'hot', metric: 'temperature', threshold: 95, warningsForEvent: 3, clearThreshold: 90 },
        { name: 'very-hot', metric: 'temperature', threshold: 105, severity: 'critical', sensors: ['site-7-*'] },
        { name: 'silent', kind: 'silence', afterSeconds: 300 },
      ];
      const first = await as('operator', request(app).put('/api/v1/rules')).send({ rules });
      expect(first.status).toBe(200);
      // the first stored version: 1 on a fresh database (numbers are never reused, see below)
      const v = first.body.version as number;
      expect(v).toBeGreaterThanOrEqual(1);
      expect(first.body).toEqual({
        rules: [
          {
            kind: 'threshold',
            name: 'hot',
            metric: 'temperature',
            comparison: '>=',
            threshold: 95,
            warningsForEvent: 3,
            type: 'TEMPERATURE_EXCEEDED',
            severity: 'major',
            sensors: [],
            clearThreshold: 90,
            clearAfter: 1,
          },
          {
            kind: 'threshold',
            name: 'very-hot',
            metric: 'temperature',
            comparison: '>=',
            threshold: 105,
            warningsForEvent: 1,
            type: 'TEMPERATURE_EXCEEDED',
            severity: 'critical',
            sensors: ['site-7-*'],
            clearThreshold: 105,
            clearAfter: 1,
          },
          {
            kind: 'silence',
            name: 'silent',
            type: 'SENSOR_SILENT',
            severity: 'major',
            sensors: [],
            afterSeconds: 300,
          },
        ],
        version: v,
      });
      expect((await request(app).get('/api/v1/rules')).body).toEqual(first.body);
      // what GET answers is a valid PUT body as it is
      const second = await as('admin', request(app).put('/api/v1/rules')).send({ rules: first.body.rules });
      expect(second.body).toEqual({ ...first.body, version: v + 1 });

      await rulesTopic.until((m) => m.length >= 2, 'both versions on the rules topic');
      expect(published()).toEqual([
        { key: 'rules', version: v, rules: JSON.stringify(rules), at: expect.any(Number) },
        { key: 'rules', version: v + 1, rules: JSON.stringify(first.body.rules), at: expect.any(Number) },
      ]);
      const row = (await pool.query('SELECT created_by FROM rule_sets WHERE version = $1', [v + 1])).rows[0];
      expect(row.created_by).toBe(tokenName('admin'));
    });

    it("when a PUT's publish fails, then nothing is stored, and its number is never given to another rule set", async () => {
      const attempted: number[] = [];
      // Kafka failing after the message may have gone out (a timeout): the 503 of createPublisher
      const failing = createApp({
        config: config.assessor,
        pool,
        registry: new Registry(),
        logger: silentLogger,
        access: createAssessorAccess({ pool, failedChecksPerMinute: 1000 }),
        publisher: {
          publish: async (_topic, _key, value) => {
            attempted.push(ruleSetCodec.decode(value).version);
            throw new AppError('DEPENDENCY_UNAVAILABLE', [{ field: 'service', message: 'Kafka did not confirm' }]);
          },
        },
        topics: {
          readings: config.kafka.readingsTopic,
          alarms: config.kafka.alarmsTopic,
          rules: config.kafka.rulesTopic,
        },
      });
      const before = (await request(assessor()).get('/api/v1/rules')).body;
      const rules = [{ metric: 'temperature', threshold: 42 }];
      expectError(await as('operator', request(failing).put('/api/v1/rules')).send({ rules }), 503, 'service');
      expect((await request(assessor()).get('/api/v1/rules')).body).toEqual(before);
      const next = await as('operator', request(assessor()).put('/api/v1/rules')).send({ rules });
      expect(next.status).toBe(200);
      expect(attempted).toHaveLength(1);
      expect(next.body.version).toBeGreaterThan(attempted[0]);
    });

    it('when PUTs race, then each gets its own version, published in version order', async () => {
      const app = assessor();
      const before = (await request(app).get('/api/v1/rules')).body.version as number;
      const answers = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          as('operator', request(app).put('/api/v1/rules')).send({
            rules: [{ metric: 'temperature', threshold: 90 + i }],
          }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      const versions = answers.map((a) => a.body.version as number).sort((x, y) => x - y);
      expect(versions).toEqual([1, 2, 3, 4, 5].map((i) => before + i));
      await rulesTopic.until(() => published().some((p) => p.version === before + 5), 'the last version published');
      const order = published().map((p) => p.version);
      expect(order.slice(-5)).toEqual(versions);
      // every answer's rules are the version it names
      for (const a of answers) {
        const message = published().find((p) => p.version === a.body.version)!;
        expect(JSON.parse(message.rules)[0].threshold).toBe(a.body.rules[0].threshold);
      }
    });
  });

  describe('GET /api/v1/me', () => {
    it('when asked, then it names the token and its role, or a viewer without a token while reads are open', async () => {
      expect((await request(assessor()).get('/api/v1/me')).body).toEqual({ name: null, role: 'viewer' });
      expect((await as('operator', request(assessor()).get('/api/v1/me'))).body).toEqual({
        name: tokenName('operator'),
        role: 'operator',
      });
      const bad = await request(assessor())
        .get('/api/v1/me')
        .set('Authorization', `Bearer ${'x'.repeat(43)}`);
      expectError(bad, 401, 'authorization');
      expectError(await request(assessor({ auth: 'on' })).get('/api/v1/me'), 401, 'authorization');
      expect((await as('viewer', request(assessor({ auth: 'on' })).get('/api/v1/me'))).body).toEqual({
        name: tokenName('viewer'),
        role: 'viewer',
      });
    });
  });
});
