// What the alarm tests share during one run: an operator token, the run's rules on top of the stack's
// rule set, and putting everything back at the end (ctx.defer), even when a test failed or the run was
// interrupted.
//
// The token: TESTER_OPERATOR_TOKEN (operatorToken in the services file) when set, checked with
// GET /api/v1/me. Otherwise the tester creates a temporary operator token `tester-<run>` straight in
// PostgreSQL, as `make token` does (the tester holds the database's credentials already), and revokes
// it at the end; when it cannot, the alarm tests are skipped with the reason and how to get a token.
//
// The rules: PUT /api/v1/rules replaces the whole set, so the run reads the set in force, adds its own
// rules (tester-rules.ts: scoped to the run's sensors and metrics) and PUTs that; at the end it reads
// the set again and PUTs it without the run's rules, so everyone else's rules, including a change
// made meanwhile, stay as they are.
import { createTokenStore } from '../../shared/src/auth/token-store';
import { alarmAction, listAlarms } from './alarm-api';
import { expectStatus, expectTrue } from './assertions';
import { DependencyError } from './dependency-error';
import { postMeasurement } from './sensor-data';
import { TestSkipped } from './skip';
import type { TestContext } from './test-definition';
import {
  newRunId,
  parseRulesAnswer,
  PROBE_METRIC,
  probeRuleName,
  runPrefix,
  runRules,
  runSensor,
  type RulesAnswer,
  type RunRules,
  withoutRunRules,
  withRunRules,
} from './tester-rules';
import { describe } from './wait-for';

export const RULES_PATH = '/api/v1/rules';
export const ME_PATH = '/api/v1/me';

export const NO_TOKEN_HELP =
  'create one with `make token ARGS="--name tester --role operator"` and run `TESTER_OPERATOR_TOKEN=<token> make test_run`';

export interface AlarmRun {
  runId: string;
  token: string;
  /** the token's name: what acknowledgedBy and clearedBy say */
  tokenName: string;
  /** a sensor of the run, `tester-<run>-<what>`, remembered for the cleanup */
  sensor(what: string): string;
  /** the run's rules in force from now on (the level and silence rules wanted, and a new probe rule) */
  useRules(want: Partial<RunRules>): Promise<void>;
  /**
   * Returns once the run's newest rule set judges this sensor's readings: posts a probe reading until
   * the probe rule's alarm is raised for it, then clears that alarm with a 0.
   */
  inForceFor(sensorId: string): Promise<void>;
  /** POST a compat measurement of a sensor of the run */
  post(sensorId: string, body: Record<string, number | string>): Promise<void>;
  /** the rule-set versions the run PUT, oldest first */
  versions: number[];
}

const runs = new WeakMap<TestContext, Promise<AlarmRun>>();

/** The run's alarm fixture, set up by the first alarm test that asks (a TestSkipped when there is no token). */
export function alarmRun(ctx: TestContext): Promise<AlarmRun> {
  let run = runs.get(ctx);
  if (!run) {
    run = setUp(ctx);
    runs.set(ctx, run);
  }
  return run;
}

async function setUp(ctx: TestContext): Promise<AlarmRun> {
  const runId = newRunId();
  // the assessor first: a stack that is not there fails the test (DependencyError), it is no reason to skip
  const rules = await ctx.assessor.get(RULES_PATH);
  expectStatus(rules, 200, `assessor GET ${RULES_PATH}`);
  const { token, tokenName } = await operatorToken(ctx, runId);
  const auth = { authorization: `Bearer ${token}` };

  const sensors = new Set<string>();
  const versions: number[] = [];
  let want: RunRules = { level: false, silence: false };
  let k = 0;
  let restoreDeferred = false;

  const putRules = async (rulesOf: (current: RulesAnswer) => unknown[]) => {
    const got = await ctx.assessor.request('GET', RULES_PATH, { headers: auth });
    expectStatus(got, 200, `assessor GET ${RULES_PATH}`);
    const current = parseRulesAnswer(got.json);
    expectTrue(
      current !== undefined,
      `assessor GET ${RULES_PATH}: not {"rules": [...], "version"}: ${describe(got.json)}`,
    );
    const body = { rules: rulesOf(current) };
    const put = await ctx.assessor.request('PUT', RULES_PATH, { json: body, headers: auth });
    expectStatus(put, 200, `assessor PUT ${RULES_PATH} ${describe(body, 300)}`);
    const answer = parseRulesAnswer(put.json);
    expectTrue(
      answer !== undefined && answer.version > current.version,
      `assessor PUT ${RULES_PATH}: expected the set and a version above ${current.version}, got ${describe(put.json, 300)}`,
    );
    return answer.version;
  };

  const useRules = async (wanted: Partial<RunRules>) => {
    const next = { ...want, ...wanted };
    if (k > 0 && next.level === want.level && next.silence === want.silence) return;
    if (!restoreDeferred) {
      restoreDeferred = true;
      ctx.defer('restoring the rule set', async () => {
        const version = await putRulesBack();
        ctx.logger.info({ version }, 'rule set restored without the tester run rules');
      });
      ctx.defer('clearing the run alarms left active', () => clearLeftovers());
    }
    want = next;
    k += 1;
    const ours = runRules(runId, k, want);
    versions.push(await putRules((current) => withRunRules(current.rules, runId, ours)));
  };

  const putRulesBack = async (): Promise<number | undefined> => {
    const got = await ctx.assessor.request('GET', RULES_PATH, { headers: auth });
    expectStatus(got, 200, `assessor GET ${RULES_PATH}`);
    const current = parseRulesAnswer(got.json);
    if (current && current.rules.length === withoutRunRules(current.rules, runId).length) return undefined;
    return putRules((c) => withoutRunRules(c.rules, runId));
  };

  const post = (sensorId: string, body: Record<string, number | string>) => postMeasurement(ctx, sensorId, body);

  const activeOfRun = async (sensorId: string, rule?: string) =>
    (await listAlarms(ctx, token, { status: 'active', ...(rule ? { rule } : {}) }, sensorId)).filter((a) =>
      a.rule.startsWith(runPrefix(runId)),
    );

  const inForceFor = async (sensorId: string) => {
    const probe = probeRuleName(runId, k);
    await ctx.waitUntil(
      async () => {
        await post(sensorId, { [PROBE_METRIC]: 1 });
        return activeOfRun(sensorId, probe);
      },
      (alarms) => alarms.length > 0,
      `the tester's rule set (version ${versions.at(-1)}) in force for sensor ${sensorId}: an alarm of its rule ${probe}`,
    );
    await post(sensorId, { [PROBE_METRIC]: 0 });
    await ctx.waitUntil(
      () => activeOfRun(sensorId, probe),
      (alarms) => alarms.length === 0,
      `the probe alarm of ${sensorId} (rule ${probe}) cleared by a ${PROBE_METRIC} of 0`,
    );
  };

  // A test that failed half-way may leave an alarm of the run's rules active; a rule taken out of the
  // set keeps its active alarms until an operator clears them. So: a set of the probe rule alone, in
  // force for those sensors (no silence rule can raise again), then an operator's clear of each.
  const clearLeftovers = async () => {
    const left: Array<{ sensorId: string; id: string }> = [];
    for (const sensorId of sensors) {
      for (const a of await activeOfRun(sensorId)) left.push({ sensorId, id: a.id });
    }
    if (!left.length) return;
    await useRules({ level: false, silence: false });
    for (const sensorId of new Set(left.map((l) => l.sensorId))) await inForceFor(sensorId);
    for (const { sensorId, id } of left) {
      const response = await alarmAction(ctx, token, id, 'clear', 'cleared by the tester after a failed test');
      expectTrue(
        response.status === 200 || response.status === 202,
        `clearing alarm ${id} of sensor ${sensorId}: HTTP ${response.status} ${describe(response.json ?? response.text)}`,
      );
    }
    for (const sensorId of new Set(left.map((l) => l.sensorId))) {
      await ctx.waitUntil(
        () => activeOfRun(sensorId),
        (alarms) => alarms.length === 0,
        `the run's alarms of ${sensorId} cleared`,
      );
    }
  };

  return {
    runId,
    token,
    tokenName,
    sensor(what) {
      const id = runSensor(runId, what);
      sensors.add(id);
      return id;
    },
    useRules,
    inForceFor,
    post,
    versions,
  };
}

/** The configured operator token, checked; or a temporary one made for the run; or a TestSkipped. */
async function operatorToken(ctx: TestContext, runId: string): Promise<{ token: string; tokenName: string }> {
  const configured = ctx.config.operatorToken;
  if (configured) {
    const who = await whoIs(ctx, configured);
    expectTrue(
      who.ok,
      `TESTER_OPERATOR_TOKEN (operatorToken) is refused by the assessor (${who.ok ? '' : who.reason}); ${NO_TOKEN_HELP}`,
    );
    expectTrue(
      who.role === 'operator' || who.role === 'admin',
      `TESTER_OPERATOR_TOKEN is the ${who.role} token "${who.name}": the alarm tests need an operator (or admin) token; ${NO_TOKEN_HELP}`,
    );
    return { token: configured, tokenName: who.name };
  }
  const name = `tester-${runId}`;
  let token: string;
  try {
    ({ token } = await createTokenStore(ctx.pg).create({ name, role: 'operator' }));
  } catch (err) {
    throw new TestSkipped(
      `needs an operator token: TESTER_OPERATOR_TOKEN is not set, and the tester could not create a temporary one in PostgreSQL (${(err as Error).message}); ${NO_TOKEN_HELP}`,
    );
  }
  ctx.defer(`revoking the temporary token ${name}`, async () => {
    await createTokenStore(ctx.pg).revoke(name);
  });
  const who = await whoIs(ctx, token);
  expectTrue(
    who.ok && who.name === name && who.role === 'operator',
    `the temporary operator token ${name} made in PostgreSQL ${ctx.config.postgres.host}:${ctx.config.postgres.port}/${ctx.config.postgres.database}: GET ${ME_PATH} answers ${who.ok ? `${who.name} (${who.role})` : who.reason}; is that the assessor's database? Else ${NO_TOKEN_HELP}`,
  );
  return { token, tokenName: name };
}

type Who = { ok: true; name: string; role: string } | { ok: false; reason: string };

async function whoIs(ctx: TestContext, token: string): Promise<Who> {
  const response = await ctx.assessor.request('GET', ME_PATH, { headers: { authorization: `Bearer ${token}` } });
  const body = response.json as { name?: unknown; role?: unknown } | undefined;
  if (response.status === 200 && typeof body?.name === 'string' && typeof body.role === 'string') {
    return { ok: true, name: body.name, role: body.role };
  }
  if (response.status >= 500) {
    throw new DependencyError(`assessor GET ${ME_PATH}: HTTP ${response.status} ${describe(body ?? response.text)}`);
  }
  return { ok: false, reason: `GET ${ME_PATH}: HTTP ${response.status} ${describe(body ?? response.text, 200)}` };
}
