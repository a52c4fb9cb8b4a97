// The original system's full test: eight temperatures to one new sensor, then every place the pipeline
// leaves a trace: both topics, the Redis counter, the database and the assessor's two answers.
import { randomUUID } from 'node:crypto';
import { expectEqual, expectTrue } from '../src/assertions';
import {
  assessorEvents,
  assessorMeasurements,
  postMeasurement,
  storedEvents,
  storedReadings,
} from '../src/sensor-data';
import type { Test } from '../src/test-definition';
import { messagesOf } from '../src/topic-reader';

const TEMPERATURES = [10, 100, 97, 99, 10, 100, 107, 98];
/** what the original's test expected: events on the 3rd warning in a row, final counter 3 */
const EVENT_INDEXES = [3, 7];
const EVENT_VALUES = [99, 98];
const AVERAGE = 77.625;
const MAX = 107;

const test: Test = {
  name: 'full',
  description: "the original's test: 10,100,97,99,10,100,107,98 to one sensor → 2 events (99, 98), counter 3",
  async run(ctx) {
    const sensorId = randomUUID();
    // where both topics end before anything is sent: the sensor's messages can only come after
    const [readingsFrom, eventsFrom] = await Promise.all([ctx.readings.position(), ctx.events.position()]);
    for (const temperature of TEMPERATURES) await postMeasurement(ctx, sensorId, { temperature });

    const [readingsRead, eventsRead] = await Promise.all([
      ctx.readings.collect({
        from: readingsFrom,
        keys: [sensorId],
        until: (m) => (m.get(sensorId)?.length ?? 0) >= TEMPERATURES.length,
        timeoutMs: ctx.config.timeoutMs,
      }),
      ctx.events.collect({
        from: eventsFrom,
        keys: [sensorId],
        until: (m) => (m.get(sensorId)?.length ?? 0) >= EVENT_VALUES.length,
        timeoutMs: ctx.config.timeoutMs,
      }),
    ]);

    const readings = messagesOf(readingsRead, sensorId);
    expectEqual(
      readings.map((r) => [r.sensorId, r.metric, r.value]),
      TEMPERATURES.map((t) => [sensorId, 'temperature', t]),
      `topic ${ctx.readings.topic}, readings of sensor ${sensorId}${readingsRead.note}`,
    );
    expectTrue(
      readings.every((r, i) => i === 0 || r.at >= readings[i - 1].at),
      `topic ${ctx.readings.topic}: reading times of sensor ${sensorId} go backwards: ${readings.map((r) => r.at).join(', ')}`,
    );

    const events = messagesOf(eventsRead, sensorId);
    expectEqual(
      events.map((e) => ({ type: e.type, metric: e.metric, value: e.value, at: e.at, readingId: e.readingId })),
      EVENT_INDEXES.map((i) => ({
        type: 'TEMPERATURE_EXCEEDED',
        metric: 'temperature',
        value: readings[i].value,
        at: readings[i].at,
        readingId: readings[i].id,
      })),
      `topic ${ctx.events.topic}, events of sensor ${sensorId}${eventsRead.note}`,
    );

    const key = await ctx.warningsKey(sensorId);
    await ctx.waitForEqual(
      async () => (await ctx.warningCounters(sensorId)).temperature,
      '3',
      `Redis ${key} field temperature`,
    );

    const rows = await ctx.waitUntil(
      () => storedReadings(ctx, [sensorId]),
      (r) => r.length >= TEMPERATURES.length,
      `the ${TEMPERATURES.length} readings of sensor ${sensorId} in PostgreSQL`,
    );
    expectEqual(
      rows.map((r) => [r.metric, r.value, r.at]),
      readings.map((r) => ['temperature', r.value, r.at]),
      `PostgreSQL readings of sensor ${sensorId} (metric, value, at) in time order`,
    );
    const storedEventRows = await ctx.waitUntil(
      () => storedEvents(ctx, [sensorId]),
      (r) => r.length >= EVENT_VALUES.length,
      `the ${EVENT_VALUES.length} events of sensor ${sensorId} in PostgreSQL`,
    );
    expectEqual(
      storedEventRows.map((e) => [e.type, e.metric, e.value, e.at]),
      events.map((e) => ['TEMPERATURE_EXCEEDED', 'temperature', e.value, e.at]),
      `PostgreSQL events of sensor ${sensorId} (type, metric, value, at)`,
    );

    await ctx.waitForEqual(
      () => assessorMeasurements(ctx, sensorId),
      { averageLastHour: AVERAGE, averageLast7Days: AVERAGE, maxLast30Days: MAX },
      `the assessor's measurements of sensor ${sensorId}`,
    );
    const answered = await ctx.waitUntil(
      () => assessorEvents(ctx, sensorId),
      (e) => e.length >= EVENT_VALUES.length,
      `the assessor's ${EVENT_VALUES.length} events of sensor ${sensorId}`,
    );
    expectEqual(
      answered.map((e) => e.temperature),
      EVENT_VALUES,
      `the assessor's events of sensor ${sensorId}, "temperature" oldest first`,
    );
    expectEqual(
      answered.map((e) => ({ type: e.type, metric: e.metric, value: e.value, at: Date.parse(e.at) })),
      events.map((e) => ({ type: 'TEMPERATURE_EXCEEDED', metric: 'temperature', value: e.value, at: e.at })),
      `the assessor's events of sensor ${sensorId}`,
    );
  },
};

export default test;
