import { validateBatch, validateMeasurement } from './reading-validation';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const limits = { now: NOW, maxFutureSkewMs: 60_000, oldestAt: Date.parse('2000-01-01T00:00:00Z') };

describe('validateMeasurement (compat endpoint)', () => {
  it('when the body is what existing sensors send, then it is one reading at the time of receipt', () => {
    expect(validateMeasurement({ temperature: 99 }, 'sensor-1', 100, limits)).toEqual({
      ok: true,
      readings: [{ sensorId: 'sensor-1', metric: 'temperature', value: 99, at: NOW }],
    });
  });

  it('when the body has several metrics and an at, then each metric is a reading at that time', () => {
    const result = validateMeasurement(
      { temperature: 21.5, humidity: 40, at: '2026-11-22T10:00:00Z' },
      's',
      100,
      limits,
    );
    const at = Date.parse('2026-11-22T10:00:00Z');
    expect(result).toEqual({
      ok: true,
      readings: [
        { sensorId: 's', metric: 'temperature', value: 21.5, at },
        { sensorId: 's', metric: 'humidity', value: 40, at },
      ],
    });
  });

  it('when the body names a sensorUuid or sensorId, then it is ignored: the path wins', () => {
    const result = validateMeasurement(
      { sensorUuid: 'other', sensorId: 'other', temperature: 1 },
      'path-id',
      100,
      limits,
    );
    expect(result).toEqual({ ok: true, readings: [{ sensorId: 'path-id', metric: 'temperature', value: 1, at: NOW }] });
  });

  it('when the body has a client id, then each reading carries it', () => {
    const result = validateMeasurement({ id: 'seq-42', temperature: 1 }, 's', 100, limits);
    expect(result).toMatchObject({ ok: true, readings: [{ clientId: 'seq-42' }] });
  });

  it('when at is epoch milliseconds, then it is taken as is', () => {
    expect(validateMeasurement({ t: 1, at: NOW - 5000 }, 's', 100, limits)).toMatchObject({
      ok: true,
      readings: [{ at: NOW - 5000 }],
    });
  });

  it.each([
    ['a string value', { temperature: '99' }, 'temperature', 'must be a finite number'],
    ['a null value', { temperature: null }, 'temperature', 'must be a finite number'],
    ['a nested value', { temperature: { v: 1 } }, 'temperature', 'must be a finite number'],
    ['an upper-case metric', { Temperature: 1 }, 'Temperature', 'metric names'],
    ['a metric starting with a digit', { '1temp': 1 }, '1temp', 'metric names'],
    ['a prototype-pollution key', JSON.parse('{"__proto__": 1}'), '__proto__', 'metric names'],
    ['no metric', {}, 'body', 'at least one metric'],
    ['only an at', { at: NOW }, 'body', 'at least one metric'],
    ['an array body', [{ temperature: 1 }], 'body', 'JSON object'],
    ['a number body', 42, 'body', 'JSON object'],
    ['an unparseable at', { t: 1, at: 'yesterday' }, 'at', 'ISO-8601'],
    ['an at without offset', { t: 1, at: '2026-11-22T10:00:00' }, 'at', 'ISO-8601'],
    ['an impossible date', { t: 1, at: '2026-02-30T10:00:00Z' }, 'at', 'ISO-8601'],
    ['a fractional epoch', { t: 1, at: 1.5 }, 'at', 'ISO-8601'],
    ['an at far in the future', { t: 1, at: NOW + 3_600_000 }, 'at', 'in the future'],
    ['an at before the oldest allowed', { t: 1, at: '1999-12-31T23:59:59Z' }, 'at', 'must not be before'],
    ['a bad client id', { t: 1, id: 'has space' }, 'id', 'must be 1-128'],
    ['a client id that is not a string', { t: 1, id: 7 }, 'id', 'must be 1-128'],
  ])('when the body has %s, then the error names %s', (_what, body, field, message) => {
    const result = validateMeasurement(body, 's', 100, limits);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toContainEqual({ field, message: expect.stringContaining(message) });
  });

  it('when several fields are wrong, then every one is named', () => {
    const result = validateMeasurement({ a: 'x', b: 'y', at: 'no' }, 's', 100, limits);
    expect(result.ok || result.errors.map((e) => e.field).sort()).toEqual(['a', 'at', 'b']);
  });

  it.each(['', 'has space', 'slash/inside', 'x'.repeat(129), 'ünïcode'])(
    'when the sensor id is %j, then it is refused',
    (id) => {
      expect(validateMeasurement({ t: 1 }, id, 100, limits)).toMatchObject({
        ok: false,
        errors: [{ field: 'sensorId' }],
      });
    },
  );

  it('when the body holds more readings than allowed, then it is refused', () => {
    expect(validateMeasurement({ a: 1, b: 2, c: 3 }, 's', 2, limits)).toMatchObject({
      ok: false,
      errors: [{ field: 'body' }],
    });
  });
});

describe('validateBatch', () => {
  it('when every item is valid, then all readings are returned in order', () => {
    const result = validateBatch(
      [
        { sensorId: 'a', temperature: 1, at: NOW - 1000 },
        { sensorId: 'b', temperature: 2, humidity: 3 },
      ],
      100,
      limits,
    );
    expect(result).toEqual({
      ok: true,
      readings: [
        { sensorId: 'a', metric: 'temperature', value: 1, at: NOW - 1000 },
        { sensorId: 'b', metric: 'temperature', value: 2, at: NOW },
        { sensorId: 'b', metric: 'humidity', value: 3, at: NOW },
      ],
    });
  });

  it('when items are invalid, then nothing is accepted and each error carries its index', () => {
    const result = validateBatch([{ sensorId: 'a', t: 1 }, { t: 2 }, 'nope', { sensorId: 'd', t: 'x' }], 100, limits);
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'sensorId', message: expect.any(String), index: 1 },
        { field: 'body', message: expect.any(String), index: 2 },
        { field: 't', message: 'must be a finite number', index: 3 },
      ],
    });
  });

  it('when an item names its sensor as sensorUuid (the original field name), then it is accepted', () => {
    expect(validateBatch([{ sensorUuid: 'u', t: 1 }], 100, limits)).toMatchObject({
      ok: true,
      readings: [{ sensorId: 'u' }],
    });
  });

  it.each([
    ['an object', { sensorId: 'a', t: 1 }],
    ['an empty array', []],
    [
      'too many items',
      [
        { sensorId: 'a', t: 1 },
        { sensorId: 'a', t: 2 },
        { sensorId: 'a', t: 3 },
      ],
    ],
  ])('when the body is %s, then it is refused as a whole', (_what, body) => {
    expect(validateBatch(body, 2, limits)).toMatchObject({ ok: false, errors: [{ field: 'body' }] });
  });
});
