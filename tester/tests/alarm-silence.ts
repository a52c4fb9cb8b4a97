// A silence rule of the run's own (afterSeconds 2, for its sensors tester-<run>-silent-*): a sensor
// that reported and then stops gets a SENSOR_SILENT alarm raised at its last reading's receipt + 2 s
// (metric, value and peak null); its next reading clears it by the rule. Then the silence rule goes
// and any alarm it raised again meanwhile is cleared by the operator token, so nothing is left active.
import { alarmAction, getAlarm, listAlarms } from '../src/alarm-api';
import { alarmRun } from '../src/alarm-run';
import { expectEqual, expectTrue } from '../src/assertions';
import type { Test } from '../src/test-definition';
import { isRunRule, LEVEL_METRIC, SILENCE_AFTER_SECONDS, SILENCE_SEVERITY, silenceRuleName } from '../src/tester-rules';
import { describe } from '../src/wait-for';

/** The newest receipt time of a sensor's stored readings, once `count` of them are stored. */
async function lastReceived(
  ctx: Parameters<Test['run']>[0],
  sensorId: string,
  metric: string,
  value: number,
): Promise<number> {
  const [row] = await ctx.waitUntil(
    () =>
      ctx.query<{ last: Date | null; found: boolean }>(
        `SELECT max(received_at) AS last, bool_or(metric = $2 AND value = $3) AS found FROM readings WHERE sensor_id = $1`,
        [sensorId, metric, value],
      ),
    (rows) => rows[0]?.found === true,
    `the reading ${metric} ${value} of sensor ${sensorId} in PostgreSQL`,
  );
  return (row.last as Date).getTime();
}

const test: Test = {
  name: 'alarm-silence',
  description: `a sensor that stops reporting: SENSOR_SILENT raised ${SILENCE_AFTER_SECONDS} s after its last reading, cleared by its next one`,
  async run(ctx) {
    const run = await alarmRun(ctx);
    await run.useRules({ silence: true });
    const sensorId = run.sensor('silent-1');
    const rule = silenceRuleName(run.runId);
    // the probe readings are the sensor reporting; the last of them is a tester_probe of 0
    await run.inForceFor(sensorId);
    const lastSeen = await lastReceived(ctx, sensorId, 'tester_probe', 0);

    const [alarm] = await ctx.waitUntil(
      () => listAlarms(ctx, run.token, { sensorId, rule, status: 'active' }),
      (alarms) => alarms.length > 0,
      `a SENSOR_SILENT alarm of rule ${rule} for sensor ${sensorId}, silent since ${new Date(lastSeen).toISOString()}`,
    );
    expectEqual(
      [alarm.type, alarm.rule, alarm.severity, alarm.metric, alarm.value, alarm.peak, alarm.acknowledged],
      ['SENSOR_SILENT', rule, SILENCE_SEVERITY, null, null, null, false],
      `silence alarm ${alarm.id}: type, rule, severity, metric, value, peak, acknowledged`,
    );
    expectEqual(
      alarm.raisedAt,
      new Date(lastSeen + SILENCE_AFTER_SECONDS * 1000).toISOString(),
      `silence alarm ${alarm.id} raisedAt: the last reading's receipt + ${SILENCE_AFTER_SECONDS} s`,
    );

    await run.post(sensorId, { [LEVEL_METRIC]: 1 });
    const cleared = await ctx.waitUntil(
      () => getAlarm(ctx, run.token, alarm.id),
      (a) => a.status === 'cleared',
      `silence alarm ${alarm.id} cleared by the sensor's next reading`,
    );
    const spoke = await lastReceived(ctx, sensorId, LEVEL_METRIC, 1);
    expectEqual(cleared.clearedBy, 'rule', `silence alarm ${alarm.id} clearedBy`);
    expectTrue(
      Date.parse(cleared.clearedAt as string) >= Date.parse(alarm.raisedAt) &&
        Date.parse(cleared.clearedAt as string) <= spoke,
      `silence alarm ${alarm.id}: clearedAt ${cleared.clearedAt} is not between raisedAt ${alarm.raisedAt} and the clearing reading's receipt ${new Date(spoke).toISOString()}`,
    );

    // The sensor is silent again from here: take the silence rule out, and once the set without it
    // judges this sensor, clear whatever it raised again in between (an operator's clear)
    await run.useRules({ silence: false });
    await run.inForceFor(sensorId);
    for (const again of await listAlarms(ctx, run.token, { sensorId, rule, status: 'active' })) {
      const response = await alarmAction(ctx, run.token, again.id, 'clear', 'the tester is done with this sensor');
      expectTrue(
        response.status === 200 || response.status === 202,
        `POST /api/v1/alarms/${again.id}/clear: expected 200 or 202, got ${response.status} ${describe(response.json)}`,
      );
    }
    await ctx.waitUntil(
      async () =>
        (await listAlarms(ctx, run.token, { sensorId, status: 'active' })).filter((a) => isRunRule(run.runId, a)),
      (alarms) => alarms.length === 0,
      `no active alarm of the run's rules for sensor ${sensorId}`,
    );
  },
};

export default test;
