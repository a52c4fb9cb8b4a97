// Hysteresis on the run's level rule (warns at >= 50, clears below 40, 2 clearing readings in a row):
// once the alarm is active, readings between 40 and 50 (40 itself included) clear nothing and break a
// clearing streak, so 39, 45, 39, 40 leave it active; a warning after them shows the processor read
// them all (lastWarningAt moves, the alarm is the same one); then 39, 38 clear it.
import { alarmStateView, expectedAlarms } from '../src/alarm-oracle';
import { getAlarm, listAlarms, stateOf } from '../src/alarm-api';
import { alarmRun } from '../src/alarm-run';
import { expectEqual } from '../src/assertions';
import { levelSeries } from '../src/level-series';
import type { Test } from '../src/test-definition';
import { LEVEL_RULE, levelRuleName } from '../src/tester-rules';

const test: Test = {
  name: 'alarm-hysteresis',
  description:
    'readings between clearThreshold (40) and threshold (50) neither clear the alarm nor count toward clearAfter',
  async run(ctx) {
    const run = await alarmRun(ctx);
    await run.useRules({ level: true });
    const sensorId = run.sensor('hysteresis');
    const rule = levelRuleName(run.runId);
    await run.inForceFor(sensorId);
    const series = levelSeries(run, sensorId);

    await series.post([55, 56, 57]);
    const [alarm] = await ctx.waitUntil(
      () => listAlarms(ctx, run.token, { sensorId, rule, status: 'active' }),
      (alarms) => alarms.length > 0,
      `an active alarm of rule ${rule} for sensor ${sensorId}`,
    );
    expectEqual(
      stateOf(alarm),
      alarmStateView(expectedAlarms(LEVEL_RULE, series.readings)[0]),
      `alarm ${alarm.id} raised`,
    );

    // neutral, clearing, neutral (the streak starts again), clearing, 40 (neutral: the clear threshold
    // itself), then a warning: had any of them cleared, this warning would not update this alarm
    await series.post([45, 39, 45, 39, 40, 52]);
    const [stillActive] = expectedAlarms(LEVEL_RULE, series.readings);
    expectEqual(
      [stillActive.status, stillActive.warnings, stillActive.peak],
      ['active', 4, 57],
      'oracle after 45, 39, 45, 39, 40, 52',
    );
    const marked = await ctx.waitUntil(
      () => getAlarm(ctx, run.token, alarm.id),
      (a) => a.status === 'cleared' || a.lastWarningAt === alarmStateView(stillActive).lastWarningAt,
      `alarm ${alarm.id} updated by the warning 52 after the readings between 40 and 50`,
    );
    expectEqual(stateOf(marked), alarmStateView(stillActive), `alarm ${alarm.id} after 45, 39, 45, 39, 40, 52`);

    await series.post([39, 38]);
    const [cleared] = expectedAlarms(LEVEL_RULE, series.readings);
    expectEqual(cleared.status, 'cleared', 'oracle after 39, 38');
    const last = await ctx.waitUntil(
      () => getAlarm(ctx, run.token, alarm.id),
      (a) => a.status === 'cleared',
      `alarm ${alarm.id} cleared by 39, 38`,
    );
    expectEqual(stateOf(last), alarmStateView(cleared), `alarm ${alarm.id} once cleared`);
    expectEqual(last.clearedBy, 'rule', `alarm ${alarm.id} clearedBy`);
    expectEqual(
      (await listAlarms(ctx, run.token, { rule }, sensorId)).map((a) => a.id),
      [alarm.id],
      `the alarms of rule ${rule} of sensor ${sensorId}: one incident`,
    );
  },
};

export default test;
