// The batch endpoint: three sensors interleaved in one request, device timestamps as ISO-8601 (UTC and
// with offsets) and as epoch milliseconds. Every reading is stored at its device time; each sensor's
// events follow the rules over its readings in the order of the batch.
import { randomUUID } from 'node:crypto';
import { DEFAULT_RULES } from '../../shared/src';
import { expectEqual } from '../src/assertions';
import { type AtFormat, formatAt } from '../src/device-time';
import { expectedEvents, ruleFor } from '../src/expected-events';
import { assessorEvents, postBatch, storedEventsBySensor, storedReadingsBySensor } from '../src/sensor-data';
import type { Test } from '../src/test-definition';

const test: Test = {
  name: 'batch',
  description: 'batch endpoint: 3 sensors interleaved, device times (ISO, offsets, epoch ms) stored as sent',
  async run(ctx) {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const sensors = [a, b, c];
    // ten minutes ago, one second apart: inside the assessor's last hour, well clear of "the future"
    const base = Date.now() - 10 * 60 * 1000;
    const plan: Array<[string, Record<string, number>, AtFormat]> = [
      [a, { temperature: 95 }, 'iso'],
      [b, { temperature: 100 }, 'epoch'],
      [a, { temperature: 96 }, '+02:00'],
      [c, { temperature: 20, humidity: 55 }, 'epoch'],
      [b, { temperature: 101 }, 'iso'],
      [a, { temperature: 97 }, 'epoch'], // a: third warning in a row → event 97
      [b, { temperature: 50 }, '-05:30'], // b: reset
      [a, { temperature: 10 }, 'iso'], // a: reset, counter 0
      [b, { temperature: 102 }, 'epoch'],
      [b, { temperature: 103 }, '+02:00'],
      [c, { temperature: 30 }, 'iso'],
      [b, { temperature: 104 }, 'epoch'], // b: event 104
      [b, { temperature: 105 }, 'iso'], // b: counter 4, no event
    ];
    const items = plan.map(([sensorId, metrics, format], i) => ({
      sensorId,
      ...metrics,
      at: formatAt(base + i * 1000, format),
    }));
    const expectedReadings = new Map<string, Array<[string, number, number]>>(sensors.map((s) => [s, []]));
    plan.forEach(([sensorId, metrics], i) => {
      for (const [metric, value] of Object.entries(metrics))
        expectedReadings.get(sensorId)?.push([metric, value, base + i * 1000]);
    });
    const readingCount = [...expectedReadings.values()].reduce((n, r) => n + r.length, 0);

    const expectedEventsOf = (sensorId: string) => {
      const temperatures = (expectedReadings.get(sensorId) ?? []).filter(([m]) => m === 'temperature');
      const expectation = expectedEvents(
        temperatures.map(([, v]) => v),
        ruleFor(DEFAULT_RULES, 'temperature'),
      );
      return {
        events: expectation.events.map((e) => [
          'TEMPERATURE_EXCEEDED',
          temperatures[e.index][1],
          temperatures[e.index][2],
        ]),
        finalCount: expectation.finalCount,
      };
    };
    expectEqual(
      sensors.map((s) => expectedEventsOf(s).events.map((e) => e[1])),
      [[97], [104], []],
      'oracle',
    );

    const readingsFrom = await ctx.readings.position();
    const accepted = await postBatch(ctx, items);
    expectEqual(accepted, readingCount, 'accepted readings');

    const readingsRead = await ctx.readings.collect({
      from: readingsFrom,
      keys: sensors,
      until: (m) => sensors.every((s) => (m.get(s)?.length ?? 0) >= (expectedReadings.get(s)?.length ?? 0)),
      timeoutMs: ctx.config.timeoutMs,
    });
    for (const s of sensors) {
      expectEqual(
        (readingsRead.byKey.get(s) ?? []).map((r) => [r.metric, r.value, r.at]),
        expectedReadings.get(s),
        `topic ${ctx.readings.topic}, readings of sensor ${s} (metric, value, at) in batch order${readingsRead.note}`,
      );
    }

    const stored = await ctx.waitUntil(
      () => storedReadingsBySensor(ctx, sensors),
      (m) => sensors.every((s) => (m.get(s)?.length ?? 0) >= (expectedReadings.get(s)?.length ?? 0)),
      `the ${readingCount} readings of the batch in PostgreSQL`,
    );
    for (const s of sensors) {
      expectEqual(
        (stored.get(s) ?? []).map((r) => [r.metric, r.value, r.at]),
        expectedReadings.get(s),
        `PostgreSQL readings of sensor ${s} (metric, value, at = device time)`,
      );
    }

    for (const s of sensors) {
      const key = await ctx.warningsKey(s);
      const want = String(expectedEventsOf(s).finalCount);
      // a counter of 0 may also be no field at all
      await ctx.waitUntil(
        async () => (await ctx.warningCounters(s)).temperature,
        (value) => value === want || (want === '0' && value === undefined),
        `Redis ${key} field temperature to be "${want}"${want === '0' ? ' (or absent)' : ''}`,
      );
    }

    const totalEvents = sensors.reduce((n, s) => n + expectedEventsOf(s).events.length, 0);
    const events = await ctx.waitUntil(
      () => storedEventsBySensor(ctx, sensors),
      (m) => [...m.values()].reduce((n, e) => n + e.length, 0) >= totalEvents,
      `the ${totalEvents} events of the batch in PostgreSQL`,
    );
    for (const s of sensors) {
      expectEqual(
        (events.get(s) ?? []).map((e) => [e.type, e.value, e.at]),
        expectedEventsOf(s).events,
        `PostgreSQL events of sensor ${s} (type, value, at)`,
      );
    }

    for (const s of [a, b]) {
      const want = expectedEventsOf(s).events;
      const answered = await ctx.waitUntil(
        () => assessorEvents(ctx, s),
        (e) => e.length >= want.length,
        `the assessor's events of sensor ${s}`,
      );
      expectEqual(
        answered.map((e) => [e.type, e.temperature, Date.parse(e.at)]),
        want,
        `the assessor's events of sensor ${s} (type, temperature, at)`,
      );
    }
  },
};

export default test;
