// Many sensors at once: each sends its own seeded sequence of temperatures, one request after the
// other, while all sensors send concurrently. The rules apply per sensor, so interleaving between
// sensors must not matter: each sensor's stored events are exactly what the oracle computes from its
// own sequence, its counter ends where the oracle says, and every reading sent is stored once.
import { randomUUID } from 'node:crypto';
import { DEFAULT_RULES } from '../../shared/src';
import { expectedEvents, ruleFor } from '../src/expected-events';
import { postMeasurement, storedEventsBySensor, storedReadings } from '../src/sensor-data';
import { temperatureSequences } from '../src/temperature-sequences';
import type { Test } from '../src/test-definition';
import { describe } from '../src/wait-for';

const SENSORS = 50;
const READINGS_PER_SENSOR = 20;
const SEED = 20171122;

interface Differences {
  /** how many sensors differ */
  differing: number;
  /** "sensor x: expected …, got …" for the first few */
  first: string[];
}

function differences<T>(
  sensorIds: readonly string[],
  actual: (s: string) => T,
  expected: (s: string) => T,
): Differences {
  const differing = sensorIds.filter((s) => describe(actual(s)) !== describe(expected(s)));
  return {
    differing: differing.length,
    first: differing
      .slice(0, 3)
      .map((s) => `sensor ${s}: expected ${describe(expected(s), 120)}, got ${describe(actual(s), 120)}`),
  };
}

const test: Test = {
  name: 'concurrent',
  description: `${SENSORS} sensors posting ${READINGS_PER_SENSOR} seeded temperatures each, concurrently: events per sensor as the rules imply`,
  async run(ctx) {
    const run = randomUUID().slice(0, 8);
    const sensorIds = Array.from({ length: SENSORS }, (_, i) => `tester-concurrent-${run}-${i}`);
    const sequences = temperatureSequences(SEED, SENSORS, READINGS_PER_SENSOR);
    const rule = ruleFor(DEFAULT_RULES, 'temperature');
    const expected = new Map(sensorIds.map((s, i) => [s, expectedEvents(sequences[i], rule)]));
    const expectedValues = (s: string) => (expected.get(s)?.events ?? []).map((e) => e.value);
    const totalEvents = sensorIds.reduce((n, s) => n + expectedValues(s).length, 0);
    ctx.logger.info({ seed: SEED, sensors: SENSORS, totalEvents }, 'concurrent: sending');

    await Promise.all(
      sensorIds.map(async (sensorId, i) => {
        for (const temperature of sequences[i]) await postMeasurement(ctx, sensorId, { temperature });
      }),
    );

    await ctx.waitUntil(
      async () => {
        const rows = await ctx.query<{ sensor_id: string; n: string }>(
          'SELECT sensor_id, count(*) AS n FROM readings WHERE sensor_id = ANY($1) GROUP BY sensor_id',
          [sensorIds],
        );
        const stored = new Map(rows.map((r) => [r.sensor_id, Number(r.n)]));
        return differences(
          sensorIds,
          (s) => stored.get(s) ?? 0,
          () => READINGS_PER_SENSOR,
        );
      },
      (diffs) => diffs.differing === 0,
      `${READINGS_PER_SENSOR} stored readings for each of the ${SENSORS} sensors (seed ${SEED})`,
    );

    await ctx.waitUntil(
      async () => {
        const values = await Promise.all(sensorIds.map(async (s) => (await ctx.warningCounters(s)).temperature));
        const want = (s: string) => String(expected.get(s)?.finalCount);
        return differences(
          sensorIds,
          // a counter of 0 may also be no field at all
          (s) => values[sensorIds.indexOf(s)] ?? (want(s) === '0' ? '0' : 'absent'),
          want,
        );
      },
      (diffs) => diffs.differing === 0,
      `the Redis counters (${ctx.config.redis.keyPrefix}{${ctx.config.kafka.topics.readings}:<partition>}:sensor:<sensor>) field temperature (seed ${SEED})`,
    );

    // Wait for as many events as expected, then compare per sensor; on timeout, compare what is there.
    const events = await ctx
      .waitUntil(
        () => storedEventsBySensor(ctx, sensorIds),
        (m) => [...m.values()].reduce((n, e) => n + e.length, 0) >= totalEvents,
        `the ${totalEvents} expected events in PostgreSQL`,
      )
      .catch(() => storedEventsBySensor(ctx, sensorIds));
    const diffs = differences(sensorIds, (s) => (events.get(s) ?? []).map((e) => e.value), expectedValues);
    if (diffs.differing) {
      throw new Error(
        `stored event values per sensor, in time order: ${diffs.differing} of ${SENSORS} sensors differ (seed ${SEED}): ${diffs.first.join('; ')}`,
      );
    }
    const all = [...events.values()].flat();
    const wrongType = all.find((e) => e.type !== 'TEMPERATURE_EXCEEDED' || e.metric !== 'temperature');
    if (wrongType) throw new Error(`stored event ${describe(wrongType)}: expected a temperature TEMPERATURE_EXCEEDED`);

    // each event carries the time of the reading that raised it
    const readingTimes = new Map((await storedReadings(ctx, sensorIds)).map((r) => [r.id, r.at]));
    const misplaced = all.find((e) => readingTimes.get(e.readingId) !== e.at);
    if (misplaced) {
      throw new Error(
        `stored event ${describe(misplaced)} does not carry the time of its reading (${readingTimes.get(misplaced.readingId)})`,
      );
    }
  },
};

export default test;
