// An alarm from raise to clear, on a rule of the run's own (tester_level >= 50, N 3, clearThreshold 40,
// clearAfter 2, for the run's sensors only): three warnings in a row raise it, visible the same in
// GET /api/v1/alarms, the sensor's alarms and by id; a warning while active moves its peak; two normal
// readings in a row clear it by the rule.
import { alarmStateView, expectedAlarms } from '../src/alarm-oracle';
import { getAlarm, listAlarms, stateOf } from '../src/alarm-api';
import { alarmRun } from '../src/alarm-run';
import { expectEqual } from '../src/assertions';
import { levelSeries } from '../src/level-series';
import type { Test } from '../src/test-definition';
import { LEVEL_METRIC, LEVEL_RULE, LEVEL_SEVERITY, LEVEL_TYPE, levelRuleName } from '../src/tester-rules';

const test: Test = {
  name: 'alarm-lifecycle',
  description:
    'alarm raised by 3 warnings (all alarms, the sensor’s, by id), peak while active, cleared by 2 normal readings',
  async run(ctx) {
    const run = await alarmRun(ctx);
    await run.useRules({ level: true });
    const sensorId = run.sensor('lifecycle');
    const rule = levelRuleName(run.runId);
    await run.inForceFor(sensorId);
    const series = levelSeries(run, sensorId);

    await series.post([20, 55, 58, 61]);
    const [raised] = expectedAlarms(LEVEL_RULE, series.readings);
    expectEqual([raised.status, raised.value, raised.warnings], ['active', 61, 3], 'oracle after 20, 55, 58, 61');

    const [alarm] = await ctx.waitUntil(
      () => listAlarms(ctx, run.token, { sensorId, rule, status: 'active' }),
      (alarms) => alarms.length > 0,
      `an active alarm of rule ${rule} for sensor ${sensorId} in GET /api/v1/alarms`,
    );
    expectEqual(stateOf(alarm), alarmStateView(raised), `alarm ${alarm.id} once raised`);
    expectEqual(
      [alarm.sensorId, alarm.rule, alarm.metric, alarm.type, alarm.severity, alarm.acknowledged, alarm.clearedBy],
      [sensorId, rule, LEVEL_METRIC, LEVEL_TYPE, LEVEL_SEVERITY, false, null],
      `alarm ${alarm.id}: sensorId, rule, metric, type, severity, acknowledged, clearedBy`,
    );
    // the same alarm on every read path
    const activeOfRule = await listAlarms(ctx, run.token, { status: 'active', rule });
    expectEqual(activeOfRule, [alarm], `GET /api/v1/alarms?status=active&rule=${rule}`);
    expectEqual(await listAlarms(ctx, run.token, { rule }, sensorId), [alarm], `the alarms of sensor ${sensorId}`);
    expectEqual(await getAlarm(ctx, run.token, alarm.id), alarm, `GET /api/v1/alarms/${alarm.id}`);

    await series.post([70, 30, 20]);
    const [cleared] = expectedAlarms(LEVEL_RULE, series.readings);
    expectEqual([cleared.status, cleared.peak, cleared.warnings], ['cleared', 70, 4], 'oracle after 70, 30, 20');
    const last = await ctx.waitUntil(
      () => getAlarm(ctx, run.token, alarm.id),
      (a) => a.status === 'cleared',
      `alarm ${alarm.id} cleared by the two readings below ${LEVEL_RULE.clearThreshold}`,
    );
    expectEqual(stateOf(last), alarmStateView(cleared), `alarm ${alarm.id} once cleared`);
    expectEqual([last.clearedBy, last.acknowledged], ['rule', false], `alarm ${alarm.id}: clearedBy, acknowledged`);
    expectEqual(
      await listAlarms(ctx, run.token, { sensorId, rule, status: 'active' }),
      [],
      `active alarms of rule ${rule} for sensor ${sensorId}`,
    );
    expectEqual(
      (await listAlarms(ctx, run.token, { rule }, sensorId)).map((a) => a.id),
      [alarm.id],
      `the alarms of rule ${rule} of sensor ${sensorId}: one incident`,
    );
  },
};

export default test;
