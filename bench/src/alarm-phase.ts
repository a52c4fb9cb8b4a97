// Alarm latency (issue 9: a reading breaking a rule → the alarm visible in GET /api/v1/alarms, p99
// under 1 s at 5,000 readings/s). Receiver, processor, saver and assessor from dist/ on the bench's own
// topics; batch requests of ALARM_PLAN.batchItems temperature readings paced at 5,000 readings/s over
// 1,000 sensors. One sensor in ten crosses the default rule (temperature >= 95, three in a row) in
// episodes: every `period` readings it sends `warnings` readings over the threshold, then normal ones
// again (which clear the alarm: clearAfter 1), so each episode raises one alarm of its own. The
// rest stay normal. For each episode the clock starts when the bench has read the 200 of the request
// holding the reading that completes the N-th warning (the reading that raises the alarm; its alarm
// id is known in advance: client ids make the reading id, and the alarm id is derived from the
// event id) and stops when a poll of GET /api/v1/alarms, as a user's client would make it, first lists
// that alarm. One poller asks every POLL_MS for the alarms raised since shortly before the oldest
// alarm still awaited (so a page holds a second or two of alarms), paging through nextCursor; the
// poll interval bounds the resolution (a latency is over-stated by up to POLL_MS plus one request).
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { alarmCodec, createConsumer, describeSettings } from '../../shared/src';
import { alarmIdFor, eventIdFor } from '../../processor/src/alarm-state';
import { type BenchContext, BenchAborted, metric, type Stack, stopStack, waitUntil, withCpu } from './bench-context';
import { type LatencySummary, summarize } from './latency-histogram';
import { createPacer, waitBeforeMs } from './pacing';
import { clientReadingId } from './reading-bodies';
import { serviceEnvironment } from './service-environment';
import { freePort, type ServiceName, type ServiceProcess, serviceProcess } from './service-process';

export const ALARM_TARGET = { rate: 5000, p99Ms: 1000 } as const;

export const POLL_MS = 50;

export interface AlarmPlan {
  rate: number;
  sensors: number;
  /** every `crosserEvery`-th sensor crosses the threshold in episodes */
  crosserEvery: number;
  /** readings of a crossing sensor per episode, and how many of them (the last ones) are warnings */
  period: number;
  warnings: number;
  /** the rule's N (the default rule's warningsForEvent) */
  warningsForEvent: number;
  batchItems: number;
  concurrency: number;
  /** load before the measured window (not counted), and the measured window */
  warmupS: number;
  durationS: number;
  /** longest wait after the load for the last alarms to show */
  settleS: number;
  /** processors following the rules topic (the stack's one and extra ones in its group), rule-set changes made */
  ruleProcessors: number;
  ruleChanges: number;
}

/** The alarm phase's load: a full run, or a quick one (BENCH_QUICK=1). Pure. */
export function alarmPlan(quick: boolean): AlarmPlan {
  return {
    rate: ALARM_TARGET.rate,
    sensors: 1000,
    crosserEvery: 10,
    period: 20,
    warnings: 5,
    warningsForEvent: 3,
    batchItems: 10,
    concurrency: 32,
    warmupS: quick ? 1 : 3,
    durationS: quick ? 5 : 30,
    settleS: quick ? 20 : 30,
    ruleProcessors: 3,
    ruleChanges: quick ? 5 : 20,
  };
}

/**
 * How the `seq`-th reading (0-based) of sensor number `sensor` stands: a warning or not, and whether it
 * completes the N-th warning in a row (the reading that raises an alarm). Episodes of crossing sensors
 * are offset per sensor so the crossings spread over time; an episode cut short by the start of the
 * run (fewer than N warnings sent) raises nothing. Pure.
 */
export function readingRole(
  plan: Pick<AlarmPlan, 'crosserEvery' | 'period' | 'warnings' | 'warningsForEvent'>,
  sensor: number,
  seq: number,
): { warning: boolean; raises: boolean } {
  if (sensor % plan.crosserEvery !== 0) return { warning: false, raises: false };
  const position = (seq + sensor * 7) % plan.period;
  const firstWarning = plan.period - plan.warnings;
  const warning = position >= firstWarning;
  const nth = firstWarning + plan.warningsForEvent - 1;
  return { warning, raises: position === nth && seq >= plan.warningsForEvent - 1 };
}

interface Item {
  sensorId: string;
  id: string;
  temperature: number;
  raises: boolean;
}

/** Request bodies: items round robin over the sensors, each with a client id (its sequence number). Pure. */
export function alarmBodies(plan: AlarmPlan, prefix: string): { next(): Item[] } {
  let k = 0;
  return {
    next() {
      const items: Item[] = [];
      for (let i = 0; i < plan.batchItems; i++, k++) {
        const sensor = k % plan.sensors;
        const seq = Math.floor(k / plan.sensors);
        const role = readingRole(plan, sensor, seq);
        items.push({
          sensorId: `${prefix}${sensor}`,
          id: String(seq),
          temperature: role.warning ? 96 + (seq % 9) : 18 + (seq % 12),
          raises: role.raises,
        });
      }
      return items;
    },
  };
}

/** The id of the alarm the reading of a body item raises under the default rule (named `temperature`). */
export function alarmIdOf(item: Pick<Item, 'sensorId' | 'id'>): string {
  return alarmIdFor(eventIdFor(clientReadingId({ ...item, metric: 'temperature', clientId: item.id }), 'temperature'));
}

export interface AlarmLatency {
  targetRate: number;
  durationS: number;
  sensors: number;
  crossingSensors: number;
  readingsPerSecond: number;
  postErrors: number;
  /** alarms expected in the measured window, and those a poll listed in time */
  alarmsExpected: number;
  alarmsSeen: number;
  /** listed before the bench had read the 200 of the raising reading (latency 0) */
  earlySeen: number;
  latencyMs: LatencySummary;
  /** the same split where the processor hands the alarm to Kafka (the raised transition's timestamp) */
  toAlarmsTopicMs: LatencySummary;
  alarmsTopicToListedMs: LatencySummary;
  pollMs: number;
  polls: number;
  /** rule-set changes (PUT /api/v1/rules) until every processor applied them, on the same stack */
  ruleChange: RuleChangeFigures;
}

export const RULE_CHANGE_TARGET_MS = 5000;

export interface RuleChangeFigures {
  processors: number;
  changes: number;
  /** changes every processor applied within RULE_CHANGE_TIMEOUT_MS */
  applied: number;
  /** from the 200 of the PUT to the last processor's processor_rule_set_version showing the version */
  latencyMs: LatencySummary;
  pollMs: number;
}

function post(agent: http.Agent, base: URL, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: 'POST',
        path: '/api/v1/measurements',
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        timeout: 30_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Tracker {
  /** alarm id → epoch ms the raising reading's 200 was read, and whether it is in the measured window */
  accepted: Map<string, { at: number; counted: boolean }>;
  /** alarm id → epoch ms a poll first listed it */
  seen: Map<string, number>;
  polls: number;
}

/** Polls GET /api/v1/alarms until `stop()` says so, recording when each alarm is first listed. */
async function pollAlarms(assessorUrl: string, tracker: Tracker, phaseStart: number, stop: () => boolean) {
  while (!stop()) {
    let oldest = Number.POSITIVE_INFINITY;
    for (const [id, a] of tracker.accepted) if (!tracker.seen.has(id) && a.at < oldest) oldest = a.at;
    // shortly before the oldest awaited (its raisedAt is the receiver's time of receipt, before the 200)
    const from = Number.isFinite(oldest) ? Math.max(phaseStart, oldest - 5000) : Date.now() - 5000;
    let cursor: string | null = null;
    try {
      do {
        const q = new URLSearchParams({ from: new Date(from).toISOString(), limit: '1000' });
        if (cursor) q.set('cursor', cursor);
        const res = await fetch(`${assessorUrl}/api/v1/alarms?${q}`, { signal: AbortSignal.timeout(10_000) });
        const body = (await res.json()) as { alarms?: Array<{ id: string }>; nextCursor?: string | null };
        const at = Date.now();
        tracker.polls += 1;
        for (const a of body.alarms ?? []) if (!tracker.seen.has(a.id)) tracker.seen.set(a.id, at);
        cursor = body.nextCursor ?? null;
      } while (cursor);
    } catch {
      // the next poll tries again
    }
    await sleep(POLL_MS);
  }
}

/** Reads the alarms topic meanwhile, keeping the Kafka timestamp of each alarm's first transition. */
async function alarmProducedTimes(ctx: BenchContext, topic: string) {
  const consumer = createConsumer(
    ctx.kafka,
    ctx.config.kafka,
    `bench-${ctx.runId}-alarm-times-${randomBytes(4).toString('hex')}`,
    100,
  );
  const producedAt = new Map<string, number>();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        try {
          const a = alarmCodec.decode(m.value);
          if (!producedAt.has(a.id)) producedAt.set(a.id, Number(m.timestamp));
        } catch {
          // not an alarm transition
        }
      }
    },
  });
  return { producedAt, stop: () => consumer.disconnect() };
}

/** The split of the counted, listed alarms at their Kafka timestamps: 200 → produced, produced → listed. Pure. */
export function alarmSplit(
  accepted: ReadonlyMap<string, { at: number; counted: boolean }>,
  seen: ReadonlyMap<string, number>,
  producedAt: ReadonlyMap<string, number>,
): { toTopic: number[]; topicToListed: number[] } {
  const toTopic: number[] = [];
  const topicToListed: number[] = [];
  for (const [id, a] of accepted) {
    const s = seen.get(id);
    const p = producedAt.get(id);
    if (!a.counted || s === undefined || p === undefined) continue;
    toTopic.push(p - a.at);
    topicToListed.push(s - p);
  }
  return { toTopic, topicToListed };
}

/** The latencies of the counted alarms, how many were listed in time and how many before their 200. Pure. */
export function alarmLatencies(
  accepted: ReadonlyMap<string, { at: number; counted: boolean }>,
  seen: ReadonlyMap<string, number>,
): { latencies: number[]; expected: number; early: number } {
  const latencies: number[] = [];
  let expected = 0;
  let early = 0;
  for (const [id, a] of accepted) {
    if (!a.counted) continue;
    expected += 1;
    const s = seen.get(id);
    if (s === undefined) continue;
    if (s < a.at) early += 1;
    latencies.push(Math.max(0, s - a.at));
  }
  return { latencies, expected, early };
}

const RULE_POLL_MS = 20;
const RULE_CHANGE_TIMEOUT_MS = 30_000;

/** The rule set of the `i`-th change: the default rule and a humidity rule whose threshold moves. Pure. */
export function changedRuleSet(i: number): unknown[] {
  return [
    { name: 'temperature', metric: 'temperature', comparison: '>=', threshold: 95, warningsForEvent: 3 },
    { name: 'humidity', metric: 'humidity', comparison: '>=', threshold: 90 + (i % 10), warningsForEvent: 3 },
  ];
}

/**
 * Rule-set changes (issue 9: applied by all processors, p99 < 5 s): `plan.ruleChanges` PUTs of
 * /api/v1/rules, one at a time; after each, every processor's /metrics is polled every RULE_POLL_MS
 * until processor_rule_set_version shows the version the PUT answered.
 */
async function measureRuleChanges(
  ctx: BenchContext,
  plan: AlarmPlan,
  assessorUrl: string,
  adminToken: string,
  processors: readonly ServiceProcess[],
): Promise<RuleChangeFigures> {
  const latencies: number[] = [];
  for (let i = 0; i < plan.ruleChanges; i++) {
    if (ctx.aborted) throw new BenchAborted('interrupted');
    let version = 0;
    let acceptedAt = 0;
    // the assessor answers 503 until its Kafka producer is connected
    await waitUntil('PUT /api/v1/rules to be accepted', 60_000, 200, async () => {
      const res = await fetch(`${assessorUrl}/api/v1/rules`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ rules: changedRuleSet(i) }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json()) as { version?: number };
      acceptedAt = performance.now();
      if (res.status !== 200) return false;
      version = body.version ?? 0;
      return true;
    });
    const pending = new Set(processors);
    while (pending.size && performance.now() - acceptedAt < RULE_CHANGE_TIMEOUT_MS) {
      await Promise.all(
        [...pending].map(async (p) => {
          const v = await metric(p, 'processor_rule_set_version').catch(() => -1);
          if (v >= version) pending.delete(p);
        }),
      );
      if (pending.size) await sleep(RULE_POLL_MS);
    }
    if (!pending.size) latencies.push(performance.now() - acceptedAt);
  }
  return {
    processors: processors.length,
    changes: plan.ruleChanges,
    applied: latencies.length,
    latencyMs: summarize(latencies),
    pollMs: RULE_POLL_MS,
  };
}

export async function measureAlarmLatency(ctx: BenchContext): Promise<AlarmLatency> {
  const plan = alarmPlan(ctx.plan.quick);
  const base = `bench-${ctx.runId}-alarms`;
  const adminToken = randomBytes(24).toString('base64url');
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
      ctx.databaseUrl,
      process.env,
      describeSettings().map((s) => s.env),
    ),
    METRICS_STATE_DIR: path.join(ctx.logDir, 'alarms-state'),
    // the rule-set changes need an operator's token: the admin's, given rather than generated
    METRICS_ADMIN_TOKEN: adminToken,
  };
  const stack: Stack = {};
  for (const service of ['receiver', 'processor', 'saver', 'assessor'] as ServiceName[]) {
    if (ctx.aborted) throw new BenchAborted('interrupted');
    const p = serviceProcess(service, `alarms-${service}`, await freePort(), env, ctx.logDir);
    stack[service] = p;
    ctx.running.add(p);
  }
  try {
    await Promise.all(Object.values(stack).map((p) => p.start()));
    const receiverUrl = new URL(stack.receiver!.baseUrl);
    const assessorUrl = stack.assessor!.baseUrl;
    const agent = new http.Agent({ keepAlive: true, maxSockets: plan.concurrency });
    const prefix = `al${ctx.runId}-`;
    const phaseStart = Date.now();

    // ready: a probe sensor's alarm goes the whole way (processor and saver joined their groups)
    const probe = `${prefix}probe`;
    const probeItems = Array.from({ length: plan.warningsForEvent }, (_, i) => ({
      sensorId: probe,
      id: String(i),
      temperature: 99,
    }));
    const probeAlarm = alarmIdOf(probeItems[plan.warningsForEvent - 1]);
    for (const item of probeItems) await post(agent, receiverUrl, JSON.stringify([item]));
    await waitUntil('the probe alarm to show in GET /api/v1/alarms', 90_000, 200, async () => {
      const res = await fetch(`${assessorUrl}/api/v1/alarms/${probeAlarm}`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      return res.ok;
    });

    const produced = await alarmProducedTimes(ctx, `${base}.alarms`);
    const tracker: Tracker = { accepted: new Map(), seen: new Map(), polls: 0 };
    let loadDone = false;
    let settleUntil = Number.POSITIVE_INFINITY;
    const allSeen = () => [...tracker.accepted.keys()].every((id) => tracker.seen.has(id));
    const poller = pollAlarms(
      assessorUrl,
      tracker,
      phaseStart,
      () => loadDone && (allSeen() || Date.now() > settleUntil),
    );

    const bodies = alarmBodies(plan, prefix);
    const totalS = plan.warmupS + plan.durationS;
    const pacer = createPacer({
      readingsPerSecond: plan.rate,
      readingsPerRequest: plan.batchItems,
      durationMs: totalS * 1000,
    });
    let next = 0;
    let accepted = 0;
    let postErrors = 0;
    const start = performance.now();
    const elapsed = () => performance.now() - start;
    const worker = async () => {
      for (;;) {
        const index = next++;
        if (pacer.isFinished(index, elapsed())) return;
        const wait = waitBeforeMs(pacer.dueAtMs(index), elapsed());
        if (wait > 0) await sleep(wait);
        const items = bodies.next();
        const counted = elapsed() >= plan.warmupS * 1000;
        const status = await post(agent, receiverUrl, JSON.stringify(items.map(({ raises: _r, ...item }) => item)));
        const at = Date.now();
        if (status !== 200) {
          postErrors += 1;
          continue;
        }
        if (counted) accepted += items.length;
        for (const item of items) if (item.raises) tracker.accepted.set(alarmIdOf(item), { at, counted });
      }
    };
    await withCpu(ctx, 'alarms', async () => {
      await Promise.all(Array.from({ length: plan.concurrency }, worker));
    });
    const windowS = Math.max(plan.durationS, (elapsed() - plan.warmupS * 1000) / 1000);
    agent.destroy();
    loadDone = true;
    settleUntil = Date.now() + plan.settleS * 1000;
    await poller;
    await produced.stop();

    const { latencies, expected, early } = alarmLatencies(tracker.accepted, tracker.seen);
    const split = alarmSplit(tracker.accepted, tracker.seen, produced.producedAt);

    // then the rule-set changes, with more processors in the stack's group (a fleet of them)
    const processors: ServiceProcess[] = [stack.processor!];
    for (let i = 1; i < plan.ruleProcessors; i++) {
      if (ctx.aborted) throw new BenchAborted('interrupted');
      const p = serviceProcess('processor', `alarms-processor-${i + 1}`, await freePort(), env, ctx.logDir);
      stack[`processor${i + 1}` as ServiceName] = p;
      ctx.running.add(p);
      processors.push(p);
    }
    await Promise.all(processors.slice(1).map((p) => p.start()));
    const ruleChange = await measureRuleChanges(ctx, plan, assessorUrl, adminToken, processors);
    return {
      targetRate: plan.rate,
      durationS: plan.durationS,
      sensors: plan.sensors,
      crossingSensors: Math.ceil(plan.sensors / plan.crosserEvery),
      readingsPerSecond: accepted / windowS,
      postErrors,
      alarmsExpected: expected,
      alarmsSeen: latencies.length,
      earlySeen: early,
      latencyMs: summarize(latencies),
      toAlarmsTopicMs: summarize(split.toTopic),
      alarmsTopicToListedMs: summarize(split.topicToListed),
      pollMs: POLL_MS,
      polls: tracker.polls,
      ruleChange,
    };
  } finally {
    await stopStack(ctx, 'alarms', stack);
  }
}

/** One line for the console and the notes. Pure. */
export function describeRuleChanges(r: RuleChangeFigures): string {
  const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
  return `rule-set change (200 of PUT /api/v1/rules → every one of ${r.processors} processors shows the version on /metrics, polled every ${r.pollMs} ms): p50 ${int(r.latencyMs.p50)} ms, p99 ${int(r.latencyMs.p99)} ms, max ${int(r.latencyMs.max)} ms over ${r.applied} of ${r.changes} changes; target p99 < ${int(RULE_CHANGE_TARGET_MS)} ms`;
}

/** One line for the console and the notes. Pure. */
export function describeAlarmLatency(a: AlarmLatency): string {
  const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
  return `alarm latency (200 of the reading completing the N-th warning → the alarm listed by GET /api/v1/alarms, polled every ${a.pollMs} ms) at ${int(a.readingsPerSecond)} readings/s accepted (target ${int(a.targetRate)}) over ${a.sensors} sensors, ${a.crossingSensors} of them crossing: p50 ${int(a.latencyMs.p50)} ms, p99 ${int(a.latencyMs.p99)} ms, max ${int(a.latencyMs.max)} ms over ${int(a.alarmsSeen)} of ${int(a.alarmsExpected)} alarms (to the alarms topic p50 ${int(a.toAlarmsTopicMs.p50)} / p99 ${int(a.toAlarmsTopicMs.p99)} ms, then to listed p50 ${int(a.alarmsTopicToListedMs.p50)} / p99 ${int(a.alarmsTopicToListedMs.p99)} ms; ${int(a.alarmsExpected - a.alarmsSeen)} not listed in time, ${a.earlySeen} listed before the 200 was read); ${a.postErrors} requests not answered 200; target p99 < ${ALARM_TARGET.p99Ms} ms`;
}
