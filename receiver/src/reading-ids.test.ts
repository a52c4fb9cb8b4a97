import { readingId, toReadings } from './reading-ids';

describe('reading ids', () => {
  it('when the client gave no id, then each reading gets a fresh time-ordered UUIDv7', () => {
    const [a, b] = toReadings(
      [
        { sensorId: 's', metric: 't', value: 1, at: 1 },
        { sensorId: 's', metric: 'h', value: 2, at: 1 },
      ],
      5,
    );
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.id < b.id).toBe(true);
    expect(a).toMatchObject({ sensorId: 's', metric: 't', value: 1, at: 1, receivedAt: 5 });
  });

  it('when the client gave an id, then the reading id is derived from sensor, client id and metric', () => {
    const draft = { clientId: 'seq-1', sensorId: 'sensor:a', metric: 'temperature', value: 1, at: 1 };
    expect(readingId(draft)).toBe('c/sensor:a/seq-1/temperature');
    expect(readingId(draft)).toBe(readingId({ ...draft, value: 2 }));
    expect(readingId(draft)).not.toBe(readingId({ ...draft, sensorId: 'sensor:b' }));
  });
});
