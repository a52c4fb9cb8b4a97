import { seededRandom } from '../../tester/src/seeded-random';
import {
  clientReadingId,
  createBodyGenerator,
  metricValue,
  readingsPerRequest,
  WARNING_THRESHOLD,
} from './reading-bodies';

const plan = {
  sensors: 3,
  sensorPrefix: 's-',
  metrics: ['temperature', 'humidity'],
  overThreshold: 0.3,
  mode: 'single' as const,
  batchSize: 4,
  clientIds: false,
};

describe('reading-bodies', () => {
  it('when single requests are made, then sensors take turns and each body carries every metric', () => {
    const g = createBodyGenerator(plan, seededRandom(1));
    const requests = Array.from({ length: 4 }, () => g.next());
    expect(requests.map((r) => r.path)).toEqual([
      '/api/v1/sensors/s-0/measurements',
      '/api/v1/sensors/s-1/measurements',
      '/api/v1/sensors/s-2/measurements',
      '/api/v1/sensors/s-0/measurements',
    ]);
    const body = JSON.parse(requests[0].body);
    expect(Object.keys(body)).toEqual(['temperature', 'humidity']);
    expect(requests[0].readings).toEqual([
      { sensorId: 's-0', metric: 'temperature', value: body.temperature },
      { sensorId: 's-0', metric: 'humidity', value: body.humidity },
    ]);
  });

  it('when batch requests are made, then each holds batchSize sensor bodies with their sensorId', () => {
    const g = createBodyGenerator({ ...plan, mode: 'batch' }, seededRandom(1));
    const r = g.next();
    expect(r.path).toBe('/api/v1/measurements');
    const items = JSON.parse(r.body);
    expect(items.map((i: { sensorId: string }) => i.sensorId)).toEqual(['s-0', 's-1', 's-2', 's-0']);
    expect(r.readings).toHaveLength(8);
    expect(readingsPerRequest({ ...plan, mode: 'batch' })).toBe(8);
    expect(readingsPerRequest(plan)).toBe(2);
  });

  it('when client ids are asked for, then a body carries its sensor sequence number and the reading id is the derived one', () => {
    const g = createBodyGenerator({ ...plan, clientIds: true, sensors: 2 }, seededRandom(1));
    const bodies = Array.from({ length: 3 }, () => g.next());
    expect(bodies.map((b) => JSON.parse(b.body).id)).toEqual(['0', '0', '1']);
    expect(clientReadingId(bodies[2].readings[0])).toBe('c/s-0/1/temperature');
  });

  it('when the same seed is used, then the same bodies come out', () => {
    const a = createBodyGenerator(plan, seededRandom(42));
    const b = createBodyGenerator(plan, seededRandom(42));
    expect(Array.from({ length: 5 }, () => a.next().body)).toEqual(Array.from({ length: 5 }, () => b.next().body));
  });

  it('when 30% of temperatures should be over the threshold, then about 30% are, and others stay below', () => {
    const random = seededRandom(7);
    const values = Array.from({ length: 20_000 }, () => metricValue('temperature', 0.3, random));
    const share = values.filter((v) => v >= WARNING_THRESHOLD).length / values.length;
    expect(share).toBeGreaterThan(0.28);
    expect(share).toBeLessThan(0.32);
    expect(values.every((v) => v >= 15 && v <= 105)).toBe(true);
    const humidity = Array.from({ length: 1000 }, () => metricValue('humidity', 1, random));
    expect(humidity.every((v) => v >= 30 && v <= 70)).toBe(true);
  });
});
