// Acknowledging, with the run's operator token: an ack with a comment marks the alarm acknowledged
// (by the token's name, at a time, with the comment) and leaves it active; a second ack keeps the
// first one's time, name and comment; without a token it is a 401, for an unknown alarm a 404; the
// acknowledged alarm is then cleared by the rule like any other, and stays acknowledged.
import { randomUUID } from 'node:crypto';
import { alarmStateView, expectedAlarms } from '../src/alarm-oracle';
import { alarmAction, expectAlarm, getAlarm, listAlarms, stateOf } from '../src/alarm-api';
import { alarmRun } from '../src/alarm-run';
import { expectEqual, expectStatus, expectTrue } from '../src/assertions';
import { levelSeries } from '../src/level-series';
import type { Test } from '../src/test-definition';
import { LEVEL_RULE, levelRuleName } from '../src/tester-rules';

const test: Test = {
  name: 'alarm-ack',
  description:
    'ack with a comment (operator token): acknowledged, still active until cleared; no token 401, unknown alarm 404',
  async run(ctx) {
    const run = await alarmRun(ctx);
    await run.useRules({ level: true });
    const sensorId = run.sensor('ack');
    const rule = levelRuleName(run.runId);
    await run.inForceFor(sensorId);
    const series = levelSeries(run, sensorId);

    await series.post([51, 52, 53]);
    const [alarm] = await ctx.waitUntil(
      () => listAlarms(ctx, run.token, { sensorId, rule, status: 'active' }),
      (alarms) => alarms.length > 0,
      `an active alarm of rule ${rule} for sensor ${sensorId}`,
    );
    expectEqual(alarm.acknowledged, false, `alarm ${alarm.id} acknowledged once raised`);

    const anonymous = await alarmAction(ctx, undefined, alarm.id, 'ack', 'no token');
    expectStatus(anonymous, 401, `POST /api/v1/alarms/${alarm.id}/ack without a token`);
    const unknown = randomUUID();
    expectStatus(
      await alarmAction(ctx, run.token, unknown, 'ack', 'who?'),
      404,
      `POST /api/v1/alarms/${unknown}/ack (no such alarm)`,
    );

    const comment = `looked at by the tester, run ${run.runId}`;
    const acked = await alarmAction(ctx, run.token, alarm.id, 'ack', comment);
    expectStatus(acked, 200, `POST /api/v1/alarms/${alarm.id}/ack`);
    const answer = expectAlarm(acked.json, `POST /api/v1/alarms/${alarm.id}/ack answer`);
    expectEqual(
      [answer.id, answer.status, answer.acknowledged, answer.acknowledgedBy, answer.comment, answer.clearedAt],
      [alarm.id, 'active', true, run.tokenName, comment, null],
      `ack answer: id, status, acknowledged, acknowledgedBy, comment, clearedAt`,
    );
    expectTrue(
      Date.parse(answer.acknowledgedAt as string) >= Date.parse(alarm.raisedAt),
      `ack answer: acknowledgedAt ${answer.acknowledgedAt} before raisedAt ${alarm.raisedAt}`,
    );
    expectEqual(stateOf(answer), stateOf(alarm), `alarm ${alarm.id}: an ack changes nothing of the rule's fields`);
    expectEqual(await getAlarm(ctx, run.token, alarm.id), answer, `GET /api/v1/alarms/${alarm.id} after the ack`);

    const again = await alarmAction(ctx, run.token, alarm.id, 'ack', 'a second look');
    expectStatus(again, 200, `POST /api/v1/alarms/${alarm.id}/ack again`);
    expectEqual(again.json, answer, `a second ack: the first one's time, name and comment stay`);
    expectEqual(
      (await listAlarms(ctx, run.token, { rule, status: 'active', acknowledged: 'true' }, sensorId)).map((a) => a.id),
      [alarm.id],
      `active acknowledged alarms of sensor ${sensorId}`,
    );
    expectEqual(
      await listAlarms(ctx, run.token, { rule, acknowledged: 'false' }, sensorId),
      [],
      `unacknowledged alarms of rule ${rule} of sensor ${sensorId}`,
    );

    // acknowledged is not cleared: the rule clears it, and the ack stays
    await series.post([30, 20]);
    const [cleared] = expectedAlarms(LEVEL_RULE, series.readings);
    const last = await ctx.waitUntil(
      () => getAlarm(ctx, run.token, alarm.id),
      (a) => a.status === 'cleared',
      `alarm ${alarm.id} cleared by 30, 20`,
    );
    expectEqual(stateOf(last), alarmStateView(cleared), `alarm ${alarm.id} once cleared`);
    expectEqual(
      [last.clearedBy, last.acknowledged, last.acknowledgedBy, last.acknowledgedAt, last.comment],
      ['rule', true, run.tokenName, answer.acknowledgedAt, comment],
      `alarm ${alarm.id} cleared: clearedBy, and the ack as it was`,
    );
  },
};

export default test;
