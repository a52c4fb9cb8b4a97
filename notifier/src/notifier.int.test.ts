// The notifier against real Kafka, PostgreSQL and a real Alertmanager (alerts read back from its own
// API), and a real HTTP server as the webhook, which fails its first answers.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { type AlarmMessage, type Config, createPool, createProducer } from '../../shared/src';
import { alertsOf, provideAlertmanager } from '../../test/alertmanager';
import { alarm, cleared, produceAlarms } from '../../test/alarms';
import { testConfig, uniqueName, waitFor } from '../../test/helpers';
import { kafkaWithTopics, readTopic, silentLogger } from '../../test/kafka';
import { createNotifierFromConfig } from './notifier';
import { createNotifierMetrics } from './notifier-metrics';
import { notificationTargets } from './targets';
import { webhookMessage } from './webhook-payload';

const alertmanagerUrl = provideAlertmanager();

function notifierConfig(overrides: Record<string, string> = {}): Config {
  return testConfig({
    NOTIFIER_NEW_TARGET_START: 'earliest',
    NOTIFIER_TIMEOUT_MS: '1000',
    NOTIFIER_RETRY_MAX_MS: '500',
    ALERTMANAGER_URL: alertmanagerUrl,
    ...overrides,
  });
}

async function startNotifier(config: Config, kafka: Kafka, pool: Pool) {
  const producer = createProducer(kafka);
  await producer.connect();
  const registry = new Registry();
  const notifier = createNotifierFromConfig(config, {
    kafka,
    producer,
    pool,
    alarmsPartitions: config.kafka.partitions,
    metrics: createNotifierMetrics(registry),
    logger: silentLogger,
  });
  await notifier.start();
  return {
    notifier,
    /** a counter's value for these labels (0 when never counted) */
    async counter(name: string, labels: Record<string, string>): Promise<number> {
      const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
      const values = (metric?.values ?? []) as Array<{ value: number; labels: Record<string, unknown> }>;
      const match = values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
      return match?.value ?? 0;
    },
    async stop() {
      await notifier.stop();
      await producer.disconnect();
    },
  };
}

/** A row of the alarms table, as the saver writes it from a transition. */
async function storeAlarm(pool: Pool, a: AlarmMessage): Promise<void> {
  await pool.query(
    `INSERT INTO alarms (id, sensor_id, rule, metric, type, severity, status, raised_at, value, peak, events,
       warnings, last_warning_at, cleared_at, cleared_by, acknowledged_at, acknowledged_by, comment, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
    [
      a.id,
      a.sensorId,
      a.rule,
      a.metric,
      a.type,
      a.severity,
      a.status,
      new Date(a.raisedAt),
      a.value,
      a.peak,
      a.events,
      a.warnings,
      a.lastWarningAt === null ? null : new Date(a.lastWarningAt),
      a.clearedAt === null ? null : new Date(a.clearedAt),
      a.clearedBy,
      a.acknowledgedAt === null ? null : new Date(a.acknowledgedAt),
      a.acknowledgedBy,
      a.comment,
      a.version,
    ],
  );
}

const firing = async (sensorId: string) => {
  const alerts = await alertsOf(alertmanagerUrl, sensorId);
  return alerts.length === 1 && alerts[0].status.state === 'active' ? alerts[0] : undefined;
};
const resolved = async (sensorId: string) => (await alertsOf(alertmanagerUrl, sensorId)).length === 0;

describe('notifier with real Kafka, PostgreSQL and Alertmanager', () => {
  let pool: Pool;
  const sensors: string[] = [];

  beforeAll(() => {
    pool = createPool(testConfig().postgres, silentLogger);
  });
  afterAll(async () => {
    await pool?.query('DELETE FROM alarms WHERE sensor_id = ANY($1)', [sensors]);
    await pool?.end();
  });
  const sensor = (prefix: string) => {
    const id = uniqueName(prefix);
    sensors.push(id);
    return id;
  };

  describe('Alertmanager', () => {
    // Re-sends far apart: an active alert ends 3 minutes ahead, so one that goes within seconds was resolved.
    const config = notifierConfig({ ALERTMANAGER_RESEND_S: '60' });
    let kafka: Kafka;
    let producer: Producer;
    let running: Awaited<ReturnType<typeof startNotifier>>;

    beforeAll(async () => {
      kafka = await kafkaWithTopics(config);
      producer = createProducer(kafka);
      await producer.connect();
      running = await startNotifier(config, kafka, pool);
    });
    afterAll(async () => {
      await running?.stop();
      await producer?.disconnect();
    });

    it('when an alarm is raised, updated, acknowledged and cleared, then Alertmanager has it firing while active and resolved after the clear', async () => {
      const id = sensor('am');
      const raisedAt = Date.now() - 5000;
      const raised = alarm({ sensorId: id, raisedAt, at: raisedAt, lastWarningAt: raisedAt });
      await produceAlarms(producer, config.kafka.alarmsTopic, [raised]);

      const alert = await waitFor(() => firing(id), { what: 'the alert firing in Alertmanager' });
      expect(alert.labels).toEqual({
        alertname: 'TEMPERATURE_EXCEEDED',
        sensorId: id,
        rule: 'temperature',
        metric: 'temperature',
        severity: 'major',
      });
      expect(alert.annotations).toMatchObject({ alarmId: raised.id, acknowledged: 'false', value: '99' });
      expect(Date.parse(alert.startsAt)).toBe(raisedAt);
      expect(Date.parse(alert.endsAt)).toBeGreaterThan(Date.now() + 170_000);
      expect(alert.generatorURL).toBe(`${config.notifier.externalUrl}/api/v1/alarms/${raised.id}`);

      const updated = { ...raised, transition: 'updated' as const, version: 2, events: 2, peak: 107, at: Date.now() };
      const acked = {
        ...updated,
        transition: 'acknowledged' as const,
        acknowledged: true,
        acknowledgedAt: Date.now(),
        acknowledgedBy: 'ops',
        version: 3,
      };
      await produceAlarms(producer, config.kafka.alarmsTopic, [updated]);
      await waitFor(async () => (await firing(id))?.annotations.peak === '107', { what: 'the update' });
      await produceAlarms(producer, config.kafka.alarmsTopic, [acked]);
      const ackedAlert = await waitFor(
        async () => {
          const a = await firing(id);
          return a?.annotations.acknowledged === 'true' ? a : undefined;
        },
        { what: 'the acknowledgement, still firing' },
      );
      expect(ackedAlert.annotations).toMatchObject({ acknowledgedBy: 'ops', events: '2' });

      await produceAlarms(producer, config.kafka.alarmsTopic, [cleared(acked, Date.now())]);
      await waitFor(() => resolved(id), { what: 'the alert resolved', timeoutMs: 15_000 });
      const target = notificationTargets(config.notifier)[0].name;
      expect(await running.counter('notifier_sent_total', { target })).toBeGreaterThanOrEqual(4);
    });

    it('when an alarm the re-send posted as firing is found cleared in PostgreSQL (a clear this instance never saw), then the next re-send resolves it', async () => {
      const id = sensor('reconcile');
      const raised = alarm({ sensorId: id, raisedAt: Date.now() - 60_000 });
      await storeAlarm(pool, raised);
      await running.notifier.resendNow();
      expect(await firing(id)).toBeDefined();
      // what the saver writes from a clear that went to Alertmanager through another instance
      await pool.query(
        "UPDATE alarms SET status = 'cleared', cleared_at = now(), cleared_by = 'rule', version = 2 WHERE id = $1",
        [raised.id],
      );
      await running.notifier.resendNow();
      // its endsAt was 3 minutes ahead: gone at once means resolved by that re-send
      expect(await alertsOf(alertmanagerUrl, id)).toEqual([]);
    });

    it('when a value on the alarms topic cannot be decoded, then it is dead-lettered and the alarms after it still reach Alertmanager', async () => {
      const deadLetters = await readTopic(kafka, config.kafka.deadLetterTopic);
      try {
        const id = sensor('poison');
        await producer.send({
          topic: config.kafka.alarmsTopic,
          acks: -1,
          messages: [{ key: id, value: Buffer.from([0, 0, 0, 0, 77, 1]) }],
        });
        await produceAlarms(producer, config.kafka.alarmsTopic, [alarm({ sensorId: id, raisedAt: Date.now() })]);
        await waitFor(() => firing(id), { what: 'the alarm after the poison' });
        const [target] = notificationTargets(config.notifier);
        await deadLetters.until(
          (m) =>
            m.some((x) => x.key?.toString() === id && x.headers?.['x-consumer-group']?.toString() === target.groupId),
          'the dead letter of the Alertmanager consumer',
        );
      } finally {
        await deadLetters.close();
      }
    });
  });

  describe('re-send from PostgreSQL', () => {
    const config = notifierConfig({ ALERTMANAGER_RESEND_S: '1' });
    let kafka: Kafka;
    let producer: Producer;
    let running: Awaited<ReturnType<typeof startNotifier>>;

    beforeAll(async () => {
      kafka = await kafkaWithTopics(config);
      producer = createProducer(kafka);
      await producer.connect();
      running = await startNotifier(config, kafka, pool);
    });
    afterAll(async () => {
      await running?.stop();
      await producer?.disconnect();
    });

    it('when an alarm is active in PostgreSQL, then it is sent to Alertmanager and sent again every interval', async () => {
      const id = sensor('resend');
      // no transition on Kafka at all: only the re-send can have posted it
      await storeAlarm(pool, alarm({ sensorId: id, raisedAt: Date.now() - 60_000 }));
      const first = await waitFor(() => firing(id), { what: 'the re-sent alert' });
      // endsAt is 3 intervals ahead, so without re-sends it would be resolved within 3 s
      const again = await waitFor(
        async () => {
          const a = await firing(id);
          return a && Date.parse(a.updatedAt) > Date.parse(first.updatedAt) ? a : undefined;
        },
        { what: 'the alert re-sent', timeoutMs: 10_000 },
      );
      expect(Date.parse(again.endsAt)).toBeGreaterThan(Date.parse(first.endsAt));
      expect(Date.parse(again.endsAt)).toBeLessThanOrEqual(Date.now() + 3000 + 1000);
      expect(await running.counter('notifier_resent_alerts_total', {})).toBeGreaterThanOrEqual(2);
    });

    it('when the clear was posted but PostgreSQL still says active, then the re-send does not make the alert fire again', async () => {
      const id = sensor('stale');
      const raised = alarm({ sensorId: id, raisedAt: Date.now() - 60_000 });
      await storeAlarm(pool, raised); // the saver has not caught up with the clear
      await waitFor(() => firing(id), { what: 'the alert firing' });
      await produceAlarms(producer, config.kafka.alarmsTopic, [raised, cleared(raised, Date.now())]);
      await waitFor(() => resolved(id), { what: 'the alert resolved' });
      for (let pass = 0; pass < 3; pass++) {
        await running.notifier.resendNow();
        expect(await alertsOf(alertmanagerUrl, id)).toEqual([]);
      }
    });
  });

  describe('webhooks', () => {
    it('when a webhook fails its first answers (500, a timeout, 500s), then Alertmanager keeps receiving, and the webhook gets each transition at least once, in order, once it accepts', async () => {
      const hook = await startWebhookServer(['500', 'hang']);
      const config = notifierConfig({ ALERTMANAGER_RESEND_S: '60', ALERT_WEBHOOK_URLS: hook.url });
      const kafka = await kafkaWithTopics(config);
      const producer = createProducer(kafka);
      await producer.connect();
      const running = await startNotifier(config, kafka, pool);
      try {
        const id = sensor('hook');
        const raised = alarm({ sensorId: id, raisedAt: Date.now() - 1000 });
        const gone = cleared(raised, Date.now());
        await produceAlarms(producer, config.kafka.alarmsTopic, [raised]);
        // the webhook is down (500, then no answer in time, then 500 until opened): Alertmanager is not held back
        await waitFor(() => firing(id), { what: 'the alert firing while the webhook is down' });
        await produceAlarms(producer, config.kafka.alarmsTopic, [gone]);
        await waitFor(() => resolved(id), { what: 'the alert resolved while the webhook is down' });
        expect(hook.accepted).toEqual([]);

        const webhook = notificationTargets(config.notifier)[1].name;
        await waitFor(
          async () => (await running.counter('notifier_failures_total', { target: webhook, reason: 'timeout' })) > 0,
          {
            what: 'a timed-out POST counted',
          },
        );
        expect(
          await running.counter('notifier_failures_total', { target: webhook, reason: 'http_500' }),
        ).toBeGreaterThan(0);
        // and a 500 after the timeout: still down
        await waitFor(() => hook.requests >= 3, { what: 'a third attempt' });
        expect(hook.accepted).toEqual([]);

        hook.open();
        await waitFor(() => hook.accepted.length >= 2, { what: 'both transitions accepted', timeoutMs: 15_000 });
        const options = { receiver: webhook, externalUrl: config.notifier.externalUrl };
        expect(hook.accepted[0]).toEqual(webhookMessage(raised, options));
        expect(hook.accepted[1]).toEqual(webhookMessage(gone, options));
        expect(await running.counter('notifier_retried_total', { target: webhook })).toBeGreaterThanOrEqual(1);
      } finally {
        await running.stop();
        await producer.disconnect();
        await hook.close();
      }
    });
  });
});

/**
 * A webhook receiver: answers the scripted failures first ('500', or 'hang': no answer at all), then
 * 500 until open(), then 200, keeping the bodies it accepted.
 */
async function startWebhookServer(script: Array<'500' | 'hang'>) {
  let isOpen = false;
  let requests = 0;
  const accepted: unknown[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      const next = script.shift();
      if (next === 'hang') return;
      if (next === '500' || !isOpen) {
        res.writeHead(500).end('down');
        return;
      }
      expect(req.headers['content-type']).toBe('application/json');
      accepted.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200).end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    accepted,
    get requests() {
      return requests;
    },
    open() {
      isOpen = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
