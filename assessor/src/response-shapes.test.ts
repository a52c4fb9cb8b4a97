import { decodeSensorKey, decodeStoredKey, decodeTimeKey } from './cursor';
import {
  combine,
  compatEvent,
  type EventRow,
  eventsBody,
  measurementsBody,
  page,
  readingsBody,
  sensorEventsBody,
  sensorsBody,
  statisticsBody,
} from './response-shapes';

const event = (n: number, overrides: Partial<EventRow> = {}): EventRow => ({
  id: `e-${n}`,
  sensorId: 's-1',
  metric: 'temperature',
  type: 'TEMPERATURE_EXCEEDED',
  value: 90 + n,
  at: new Date(Date.UTC(2026, 10, 22, 10, 0, n, 120)),
  atUs: String(Date.UTC(2026, 10, 22, 10, 0, n, 120) * 1000),
  threshold: 95,
  rule: 'temperature >= 95',
  seq: String(n),
  ...overrides,
});

const empty = { count: 0, sum: null, min: null, max: null };

describe('compat events', () => {
  it('when an event is shaped, then the field named after its metric comes first, then at, type, metric, value', () => {
    const shaped = compatEvent(event(9));
    expect(JSON.stringify(shaped)).toBe(
      '{"temperature":99,"at":"2026-11-22T10:00:09.120Z","type":"TEMPERATURE_EXCEEDED","metric":"temperature","value":99}',
    );
  });

  it('when the metric is humidity, then the compat field is humidity', () => {
    expect(Object.keys(compatEvent(event(1, { metric: 'humidity', type: 'HUMIDITY_EXCEEDED' })))).toEqual([
      'humidity',
      'at',
      'type',
      'metric',
      'value',
    ]);
  });

  it('when a metric is named like a contract field, then the contract field keeps its meaning', () => {
    expect(compatEvent(event(1, { metric: 'type', type: 'TYPE_EXCEEDED' })).type).toBe('TYPE_EXCEEDED');
  });

  it('when there are more rows than the limit, then nextCursor points after the last one shown', () => {
    const body = sensorEventsBody('s-1', [event(1), event(2), event(3)], 2);
    expect(body.events).toHaveLength(2);
    expect(decodeTimeKey(body.nextCursor as string, 'event')).toEqual({ atUs: event(2).atUs, id: 'e-2' });
  });

  it('when the rows fit the page, then there is no nextCursor field at all (the 2017 shape)', () => {
    expect(sensorEventsBody('s-1', [event(1)], 2)).toEqual({ sensorUuid: 's-1', events: [compatEvent(event(1))] });
    expect(sensorEventsBody('unknown', [], 2)).toEqual({ sensorUuid: 'unknown', events: [] });
  });
});

describe('events across sensors', () => {
  it('when shaped, then every field is there and nextCursor is null on the last page', () => {
    expect(eventsBody([event(1)], 10)).toEqual({
      events: [
        {
          id: 'e-1',
          sensorId: 's-1',
          metric: 'temperature',
          type: 'TEMPERATURE_EXCEEDED',
          value: 91,
          at: '2026-11-22T10:00:01.120Z',
          threshold: 95,
          rule: 'temperature >= 95',
        },
      ],
      nextCursor: null,
    });
  });

  it('when ordered by storage, then nextCursor is always given: after the last event, or where the page started', () => {
    const body = eventsBody([event(1, { seq: '11' }), event(2, { seq: '12' }), event(3, { seq: '13' })], 2, {
      order: 'stored',
    });
    expect(body.events.map((e) => e.id)).toEqual(['e-1', 'e-2']);
    expect(decodeStoredKey(body.nextCursor as string)).toBe('12');
    // the last page still tells a follower where to ask again
    const last = eventsBody([event(3, { seq: '13' })], 2, { order: 'stored', after: '12' });
    expect(decodeStoredKey(last.nextCursor as string)).toBe('13');
    const caughtUp = eventsBody([], 2, { order: 'stored', after: '13' });
    expect(caughtUp).toEqual({ events: [], nextCursor: expect.any(String) });
    expect(decodeStoredKey(caughtUp.nextCursor as string)).toBe('13');
    expect(decodeStoredKey(eventsBody([], 2, { order: 'stored' }).nextCursor as string)).toBe('0');
  });
});

describe('measurements', () => {
  it('when windows have readings, then averages are sum/count and the max is the 30-day max', () => {
    const agg = { count: 8, sum: 621, min: 10, max: 107 };
    expect(measurementsBody('s-1', { lastHour: agg, last7Days: agg, last30Days: agg })).toEqual({
      sensorUuid: 's-1',
      averageLastHour: 77.625,
      averageLast7Days: 77.625,
      maxLast30Days: 107,
    });
  });

  it('when a window has no readings, then its value is null', () => {
    expect(
      measurementsBody('s-1', { lastHour: empty, last7Days: { count: 1, sum: 5, min: 5, max: 5 }, last30Days: empty }),
    ).toEqual({
      sensorUuid: 's-1',
      averageLastHour: null,
      averageLast7Days: 5,
      maxLast30Days: null,
    });
  });
});

describe('statistics', () => {
  const query = {
    sensorId: 's-1',
    metric: 'temperature',
    range: { from: Date.UTC(2026, 10, 22, 10, 30), to: Date.UTC(2026, 10, 22, 12, 15) },
    bucket: 'hour' as const,
  };

  it('when buckets are shaped, then each has count/min/max/avg/sum and the total combines them', () => {
    const body = statisticsBody(query, [
      { start: new Date(Date.UTC(2026, 10, 22, 10)), count: 2, sum: 30, min: 10, max: 20 },
      { start: new Date(Date.UTC(2026, 10, 22, 11)), count: 0, sum: null, min: null, max: null },
      { start: new Date(Date.UTC(2026, 10, 22, 12)), count: 1, sum: -4, min: -4, max: -4 },
    ]);
    expect(body).toEqual({
      sensorId: 's-1',
      metric: 'temperature',
      from: '2026-11-22T10:30:00.000Z',
      to: '2026-11-22T12:15:00.000Z',
      bucket: 'hour',
      buckets: [
        { start: '2026-11-22T10:00:00.000Z', count: 2, min: 10, max: 20, avg: 15, sum: 30 },
        { start: '2026-11-22T12:00:00.000Z', count: 1, min: -4, max: -4, avg: -4, sum: -4 },
      ],
      total: { count: 3, min: -4, max: 20, avg: 26 / 3, sum: 26 },
    });
  });

  it('when there is no data, then buckets are empty and the total counts 0 with null min/max/avg', () => {
    expect(statisticsBody(query, []).total).toEqual({ count: 0, min: null, max: null, avg: null, sum: 0 });
  });

  it('when aggregates are combined, then empty parts change nothing', () => {
    expect(
      combine([empty, { count: 1, sum: 3, min: 3, max: 3 }, empty, { count: 2, sum: 1, min: -1, max: 2 }]),
    ).toEqual({
      count: 3,
      sum: 4,
      min: -1,
      max: 3,
    });
    expect(combine([])).toEqual(empty);
  });
});

describe('sensors', () => {
  const row = (sensorId: string, metric: string, lastAtMs: number, lastValue = 1, count = 1) => ({
    sensorId,
    metricCount: sensorId === 'a' ? 2 : 1,
    lastReadingAt: new Date(sensorId === 'a' ? 5000 : lastAtMs),
    metric,
    lastAt: new Date(lastAtMs),
    lastValue,
    count,
  });

  it('when rows of several metrics are shaped, then each sensor has its metrics, their count and its latest reading time', () => {
    const body = sensorsBody(
      [row('a', 'humidity', 2000, 40, 3), row('a', 'temperature', 5000, 21, 7), row('b', 'temperature', 1000)],
      5,
    );
    expect(body).toEqual({
      sensors: [
        {
          sensorId: 'a',
          lastReadingAt: new Date(5000).toISOString(),
          metricCount: 2,
          metrics: {
            humidity: { lastValue: 40, lastAt: new Date(2000).toISOString(), count: 3 },
            temperature: { lastValue: 21, lastAt: new Date(5000).toISOString(), count: 7 },
          },
        },
        {
          sensorId: 'b',
          lastReadingAt: new Date(1000).toISOString(),
          metricCount: 1,
          metrics: { temperature: { lastValue: 1, lastAt: new Date(1000).toISOString(), count: 1 } },
        },
      ],
      nextCursor: null,
    });
  });

  it('when there are more sensors than the limit, then the cursor names the last sensor shown', () => {
    const body = sensorsBody([row('a', 'x', 1), row('b', 'x', 1), row('b', 'y', 1), row('c', 'x', 1)], 2);
    expect(body.sensors.map((s) => s.sensorId)).toEqual(['a', 'b']);
    expect(body.sensors[1].metrics).toHaveProperty('y');
    expect(decodeSensorKey(body.nextCursor as string, () => true)).toBe('b');
  });

  it('when only the first metrics of a sensor are in the rows, then metricCount and lastReadingAt still speak for all of them', () => {
    const first = { ...row('z', 'a1', 1000), metricCount: 250, lastReadingAt: new Date(9000) };
    const body = sensorsBody([first, { ...first, metric: 'a2' }], 5);
    expect(body.sensors[0]).toMatchObject({ metricCount: 250, lastReadingAt: new Date(9000).toISOString() });
    expect(Object.keys(body.sensors[0].metrics)).toEqual(['a1', 'a2']);
  });
});

describe('readings and paging', () => {
  it('when readings are shaped, then times are ISO UTC with milliseconds', () => {
    const at = new Date(Date.UTC(2026, 10, 22, 10, 0, 0, 5));
    expect(
      readingsBody('s-1', [{ id: 'r', metric: 'temperature', value: 1.5, at, atUs: '1', receivedAt: at }], 10),
    ).toEqual({
      sensorId: 's-1',
      readings: [
        {
          id: 'r',
          metric: 'temperature',
          value: 1.5,
          at: '2026-11-22T10:00:00.005Z',
          receivedAt: '2026-11-22T10:00:00.005Z',
        },
      ],
      nextCursor: null,
    });
  });

  it('when rows number exactly the limit, then there is no next page', () => {
    expect(page([1, 2], 2, String)).toEqual({ items: [1, 2], nextCursor: null });
    expect(page([1, 2, 3], 2, String)).toEqual({ items: [1, 2], nextCursor: '2' });
  });
});
