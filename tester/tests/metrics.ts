// Several metrics in one body: each is its own reading (same `at`), counted per metric. Only
// temperature has a rule; humidity and pressure are stored but never warn, even above 95.
import { randomUUID } from 'node:crypto';
import { DEFAULT_RULES, eventType } from '../../shared/src';
import { expectEqual, expectTrue } from '../src/assertions';
import { expectedEvents, ruleFor } from '../src/expected-events';
import {
  assessorEvents,
  assessorMeasurements,
  postMeasurement,
  round,
  storedEvents,
  storedReadings,
} from '../src/sensor-data';
import type { Test } from '../src/test-definition';
import { messagesOf } from '../src/topic-reader';

const BODIES: Array<Record<string, number>> = [
  { temperature: 96, humidity: 40 },
  { temperature: 97, humidity: 41 },
  { temperature: 98, humidity: 99 }, // third temperature warning in a row: event; humidity 99 has no rule
  { temperature: 94.9, humidity: 100, pressure: 1013.25 }, // just below the threshold: reset
  { humidity: 43 }, // no temperature: its counter stays
  { temperature: 95, humidity: 44 }, // the threshold itself warns
  { temperature: 95 },
];

/** Each metric's values in the order sent. */
function valuesByMetric(bodies: ReadonlyArray<Record<string, number>>): Map<string, number[]> {
  const byMetric = new Map<string, number[]>();
  for (const body of bodies) {
    for (const [metric, value] of Object.entries(body)) byMetric.set(metric, [...(byMetric.get(metric) ?? []), value]);
  }
  return byMetric;
}

const average = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

const test: Test = {
  name: 'metrics',
  description: 'several metrics in one body: one reading each, same time; only temperature warns',
  async run(ctx) {
    const sensorId = randomUUID();
    const [readingsFrom, eventsFrom] = await Promise.all([ctx.readings.position(), ctx.events.position()]);
    for (const body of BODIES) await postMeasurement(ctx, sensorId, body);

    const sent = valuesByMetric(BODIES);
    const metrics = [...sent.keys()].sort();
    const readingCount = BODIES.reduce((n, b) => n + Object.keys(b).length, 0);
    const expected = new Map(metrics.map((m) => [m, expectedEvents(sent.get(m) ?? [], ruleFor(DEFAULT_RULES, m))]));
    const expectedEventList = metrics.flatMap((m) =>
      (expected.get(m)?.events ?? []).map((e) => ({ metric: m, type: eventType(m), value: e.value })),
    );
    // what this body sequence is for: one temperature event (98), temperature counter 2, nothing else
    expectEqual(expectedEventList, [{ metric: 'temperature', type: 'TEMPERATURE_EXCEEDED', value: 98 }], 'oracle');

    const [readingsRead, eventsRead] = await Promise.all([
      ctx.readings.collect({
        from: readingsFrom,
        keys: [sensorId],
        until: (m) => (m.get(sensorId)?.length ?? 0) >= readingCount,
        timeoutMs: ctx.config.timeoutMs,
      }),
      ctx.events.collect({
        from: eventsFrom,
        keys: [sensorId],
        until: (m) => (m.get(sensorId)?.length ?? 0) >= expectedEventList.length,
        timeoutMs: ctx.config.timeoutMs,
      }),
    ]);

    const readings = messagesOf(readingsRead, sensorId);
    const where = `topic ${ctx.readings.topic}, sensor ${sensorId}${readingsRead.note}`;
    expectEqual(readings.length, readingCount, `${where}: number of readings`);
    for (const metric of metrics) {
      expectEqual(
        readings.filter((r) => r.metric === metric).map((r) => r.value),
        sent.get(metric),
        `${where}: ${metric} values`,
      );
    }
    // the k-th body's readings are the next reading of each of its metrics, and share one `at`
    const next = new Map<string, number>();
    let previousAt = Number.NEGATIVE_INFINITY;
    BODIES.forEach((body, k) => {
      const ats = Object.keys(body).map((metric) => {
        const j = next.get(metric) ?? 0;
        next.set(metric, j + 1);
        return readings.filter((r) => r.metric === metric)[j].at;
      });
      expectTrue(
        ats.every((at) => at === ats[0]),
        `${where}: the readings of body ${k} ${JSON.stringify(body)} have different times ${ats.join(', ')}`,
      );
      expectTrue(ats[0] >= previousAt, `${where}: body ${k} has an earlier time than body ${k - 1}`);
      previousAt = ats[0];
    });

    expectEqual(
      messagesOf(eventsRead, sensorId).map((e) => ({ metric: e.metric, type: e.type, value: e.value })),
      expectedEventList,
      `topic ${ctx.events.topic}, events of sensor ${sensorId}${eventsRead.note}`,
    );

    const key = await ctx.warningsKey(sensorId);
    const counters = await ctx.waitUntil(
      () => ctx.warningCounters(sensorId),
      (c) => c.temperature === String(expected.get('temperature')?.finalCount),
      `Redis ${key} field temperature to be "${expected.get('temperature')?.finalCount}"`,
    );
    for (const metric of metrics.filter((m) => m !== 'temperature')) {
      expectTrue(
        counters[metric] === undefined || counters[metric] === '0',
        `Redis ${key}: ${metric} has no rule, so its counter must be absent or "0", got ${JSON.stringify(counters[metric])}`,
      );
    }

    const rows = await ctx.waitUntil(
      () => storedReadings(ctx, [sensorId]),
      (r) => r.length >= readingCount,
      `the ${readingCount} readings of sensor ${sensorId} in PostgreSQL`,
    );
    expectEqual(rows.length, readingCount, `PostgreSQL: number of readings of sensor ${sensorId}`);
    for (const metric of metrics) {
      expectEqual(
        rows.filter((r) => r.metric === metric).map((r) => [r.value, r.at]),
        readings.filter((r) => r.metric === metric).map((r) => [r.value, r.at]),
        `PostgreSQL ${metric} readings of sensor ${sensorId} (value, at)`,
      );
    }
    const eventRows = await ctx.waitUntil(
      () => storedEvents(ctx, [sensorId]),
      (r) => r.length >= expectedEventList.length,
      `the events of sensor ${sensorId} in PostgreSQL`,
    );
    expectEqual(
      eventRows.map((e) => ({ metric: e.metric, type: e.type, value: e.value })),
      expectedEventList,
      `PostgreSQL events of sensor ${sensorId}`,
    );

    const answered = await ctx.waitUntil(
      () => assessorEvents(ctx, sensorId),
      (e) => e.length >= expectedEventList.length,
      `the assessor's events of sensor ${sensorId}`,
    );
    expectEqual(
      answered.map((e) => ({ metric: e.metric, type: e.type, value: e.value })),
      expectedEventList,
      `the assessor's events of sensor ${sensorId}`,
    );
    for (const metric of ['temperature', 'humidity']) {
      const values = sent.get(metric) ?? [];
      const want = {
        averageLastHour: round(average(values)),
        averageLast7Days: round(average(values)),
        maxLast30Days: Math.max(...values),
      };
      await ctx.waitForEqual(
        async () => {
          const m = await assessorMeasurements(ctx, sensorId, metric === 'temperature' ? undefined : metric);
          return {
            averageLastHour: round(m.averageLastHour),
            averageLast7Days: round(m.averageLast7Days),
            maxLast30Days: m.maxLast30Days,
          };
        },
        want,
        `the assessor's ${metric} measurements of sensor ${sensorId}`,
      );
    }
  },
};

export default test;
