import { AppError } from '../../shared/src';
import { encodeSensorKey, encodeStoredKey, encodeTimeKey } from './cursor';
import {
  parseEventsQuery,
  parseInstant,
  parseMeasurementsQuery,
  parseReadingsQuery,
  parseSensorEventsQuery,
  parseSensorsQuery,
  parseStatisticsQuery,
  MAX_PREFIX_CHARS,
  sensorPrefixError,
} from './query-params';
import { UTC } from './statistics-buckets';

const limits = { defaultLimit: 100, maxLimit: 1000 };

/** The field errors a parse throws (it must throw a 400). */
function errorsOf(parse: () => unknown) {
  try {
    parse();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
    return (err as AppError).details;
  }
  throw new Error('expected a validation error');
}
const fieldsOf = (parse: () => unknown) => errorsOf(parse).map((e) => e.field);

describe('parseInstant', () => {
  it.each([
    ['2026-11-22T10:00:00Z', Date.UTC(2026, 10, 22, 10)],
    ['2026-11-22T10:00:00.123+02:00', Date.UTC(2026, 10, 22, 8, 0, 0, 123)],
    ['2026-11-22T10:00Z', Date.UTC(2026, 10, 22, 10)],
    ['2026-11-22t10:00:00z', Date.UTC(2026, 10, 22, 10)],
    ['1795341600000', 1795341600000],
    ['0', 0],
  ])('when given %s, then it is %d', (text, ms) => {
    expect(parseInstant(text)).toBe(ms);
  });

  it.each([
    '2026-11-22T10:00:00', // no offset
    '2026-11-22',
    '2026-02-30T10:00:00Z',
    '2026-11-22T24:00:00Z',
    'yesterday',
    '-1',
    '1.5',
    '1e12',
    '9999999999999999',
    ' 2026-11-22T10:00:00Z',
    '',
  ])('when given %j, then it is refused', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });
});

describe('common parameter rules', () => {
  it('when a parameter is unknown, then the 400 names it and lists the known ones', () => {
    const errors = errorsOf(() => parseEventsQuery({ sensor: 'x' }, limits));
    expect(errors).toEqual([
      { field: 'sensor', message: expect.stringContaining('sensorId, type, from, to, limit, cursor, order') },
    ]);
  });

  it('when a parameter is repeated, then the 400 names it', () => {
    expect(errorsOf(() => parseEventsQuery({ type: ['A', 'B'] }, limits))).toEqual([
      { field: 'type', message: 'must be given once' },
    ]);
  });

  it('when several parameters are bad, then every one is named', () => {
    expect(
      fieldsOf(() => parseEventsQuery({ from: 'x', to: 'y', limit: '0', cursor: 'zz', type: 'low' }, limits)),
    ).toEqual(expect.arrayContaining(['from', 'to', 'limit', 'cursor', 'type']));
  });

  it('when from is not before to, then the 400 names to', () => {
    expect(
      fieldsOf(() => parseEventsQuery({ from: '2026-11-22T10:00:00Z', to: '2026-11-22T10:00:00Z' }, limits)),
    ).toEqual(['to']);
  });

  it.each(['0', '-1', '1001', '1.5', 'ten', '', '99999999999'])(
    'when limit is %j, then the 400 names limit',
    (limit) => {
      expect(errorsOf(() => parseEventsQuery({ limit }, limits))).toEqual([
        { field: 'limit', message: 'must be an integer from 1 to 1000' },
      ]);
    },
  );

  it('when order is stored, then the cursor is a storage position; without order, the cursor is (at, id)', () => {
    expect(parseEventsQuery({}, limits)).toMatchObject({ order: 'at', after: undefined });
    expect(parseEventsQuery({ order: 'stored' }, limits)).toMatchObject({ order: 'stored', after: undefined });
    expect(parseEventsQuery({ order: 'stored', cursor: encodeStoredKey('42') }, limits)).toMatchObject({
      order: 'stored',
      after: '42',
    });
    const atCursor = encodeTimeKey('event', { atUs: '1', id: 'e' });
    expect(parseSensorEventsQuery('s-1', { order: 'at', cursor: atCursor }, limits)).toMatchObject({
      order: 'at',
      after: { atUs: '1', id: 'e' },
    });
  });

  it('when order is unknown, or a cursor of the other order is given, then the 400 names the parameter', () => {
    expect(errorsOf(() => parseEventsQuery({ order: 'newest' }, limits))).toEqual([
      { field: 'order', message: 'must be one of at, stored' },
    ]);
    expect(
      fieldsOf(() =>
        parseEventsQuery({ order: 'stored', cursor: encodeTimeKey('event', { atUs: '1', id: 'e' }) }, limits),
      ),
    ).toEqual(['cursor']);
    expect(fieldsOf(() => parseSensorEventsQuery('s-1', { cursor: encodeStoredKey('7') }, limits))).toEqual(['cursor']);
  });

  it('when no limit is given, then the default applies; the maximum itself is allowed', () => {
    expect(parseEventsQuery({}, limits).limit).toBe(100);
    expect(parseEventsQuery({ limit: '1000' }, limits).limit).toBe(1000);
  });

  it('when the cursor is empty, then it means the first page', () => {
    expect(parseEventsQuery({ cursor: '' }, limits).after).toBeUndefined();
  });

  it('when the cursor comes from another list, then the 400 names cursor', () => {
    expect(fieldsOf(() => parseEventsQuery({ cursor: encodeSensorKey('s-1') }, limits))).toEqual(['cursor']);
  });
});

describe('parseSensorEventsQuery', () => {
  it('when every parameter is valid, then they are typed', () => {
    const cursor = encodeTimeKey('event', { atUs: '1795341600000000', id: 'e-1' });
    expect(
      parseSensorEventsQuery(
        's-1',
        { from: '2026-11-22T10:00:00Z', to: '1795345200000', type: 'TEMPERATURE_EXCEEDED', limit: '5', cursor },
        limits,
      ),
    ).toEqual({
      sensorId: 's-1',
      from: Date.UTC(2026, 10, 22, 10),
      to: 1795345200000,
      type: 'TEMPERATURE_EXCEEDED',
      limit: 5,
      order: 'at',
      after: { atUs: '1795341600000000', id: 'e-1' },
    });
  });

  it('when the sensor id is invalid, then the 400 names sensorId', () => {
    expect(fieldsOf(() => parseSensorEventsQuery('bad sensor', {}, limits))).toEqual(['sensorId']);
    expect(fieldsOf(() => parseSensorEventsQuery('x'.repeat(129), {}, limits))).toEqual(['sensorId']);
  });

  it('when the query has a sensorId, then it is unknown here (the path names the sensor)', () => {
    expect(fieldsOf(() => parseSensorEventsQuery('s-1', { sensorId: 's-2' }, limits))).toEqual(['sensorId']);
  });
});

describe('parseMeasurementsQuery', () => {
  it('when no metric is given, then it is temperature', () => {
    expect(parseMeasurementsQuery('s-1', {})).toEqual({ sensorId: 's-1', metric: 'temperature' });
    expect(parseMeasurementsQuery('s-1', { metric: 'humidity' })).toEqual({ sensorId: 's-1', metric: 'humidity' });
  });

  it.each(['Temperature', '1st', '', 'a'.repeat(65), 'temp-c'])(
    'when the metric is %j, then the 400 names metric',
    (metric) => {
      expect(fieldsOf(() => parseMeasurementsQuery('s-1', { metric }))).toEqual(['metric']);
    },
  );

  it('when any other parameter is given, then the 400 names it', () => {
    expect(fieldsOf(() => parseMeasurementsQuery('s-1', { from: '0' }))).toEqual(['from']);
  });
});

describe('parseStatisticsQuery', () => {
  const valid = { metric: 'temperature', from: '2026-11-22T10:00:30Z', to: '2026-11-22T12:00:00Z', bucket: 'hour' };

  it('when the query is valid, then range and bucket are typed', () => {
    expect(parseStatisticsQuery('s-1', valid, 5000)).toEqual({
      sensorId: 's-1',
      metric: 'temperature',
      range: { from: Date.parse(valid.from), to: Date.parse(valid.to) },
      bucket: 'hour',
      zone: UTC,
    });
  });

  it('when a duration bucket and a zone are given, then both are typed and the zone name is kept to echo', () => {
    const q = parseStatisticsQuery('s-1', { ...valid, bucket: '1d', tz: 'Europe/Berlin' }, 5000);
    expect(q.bucket).toBe('1d');
    expect(q.tz).toBe('Europe/Berlin');
    expect(q.zone.name).toBe('Europe/Berlin');
    expect(q.zone.offsetAt(Date.parse(valid.from))).toBe(3600_000);
  });

  it.each(['Mars/Olympus', '+01:00', 'Europe/Berlin;DROP', ''])('when tz is %j, then the 400 names tz', (tz) => {
    expect(errorsOf(() => parseStatisticsQuery('s-1', { ...valid, bucket: '1d', tz }, 5000))).toEqual([
      { field: 'tz', message: 'must be an IANA time zone name, e.g. Europe/Berlin or UTC' },
    ]);
  });

  it('when tz is given twice, then the 400 names tz', () => {
    expect(fieldsOf(() => parseStatisticsQuery('s-1', { ...valid, tz: ['UTC', 'UTC'] }, 5000))).toEqual(['tz']);
  });

  it('when local days are counted against the limit, then the zone decides which days the range touches', () => {
    // 2026-11-22T10:00:30Z to 12:00Z is one day in UTC; from 23:30 local in Pacific/Kiritimati (+14) on, two
    const late = { ...valid, from: '2026-11-22T09:30:00Z', bucket: '1d' };
    expect(fieldsOf(() => parseStatisticsQuery('s-1', { ...late, tz: 'Pacific/Kiritimati' }, 1))).toEqual(['bucket']);
    expect(parseStatisticsQuery('s-1', { ...late, tz: 'UTC' }, 1).bucket).toBe('1d');
  });

  it('when metric, from, to and bucket are missing, then each is named as required', () => {
    const errors = errorsOf(() => parseStatisticsQuery('s-1', {}, 5000));
    expect(errors.map((e) => e.field)).toEqual(['metric', 'from', 'to', 'bucket']);
    for (const e of errors) expect(e.message).toMatch(/^is required/);
  });

  it('when the bucket is unknown, then the 400 names bucket', () => {
    expect(errorsOf(() => parseStatisticsQuery('s-1', { ...valid, bucket: 'week' }, 5000))).toEqual([
      { field: 'bucket', message: 'must be one of minute, hour, day, 1m, 5m, 15m, 30m, 1h, 3h, 6h, 12h, 1d, 7d' },
    ]);
  });

  it('when the range holds more buckets than allowed, then the 400 names bucket and says how many', () => {
    const errors = errorsOf(() => parseStatisticsQuery('s-1', { ...valid, bucket: 'minute' }, 100));
    expect(errors).toEqual([
      { field: 'bucket', message: expect.stringContaining('120 minute buckets, more than 100') },
    ]);
    expect(parseStatisticsQuery('s-1', { ...valid, bucket: 'minute' }, 120).bucket).toBe('minute');
  });

  it('when to is not after from, then the 400 names to', () => {
    expect(fieldsOf(() => parseStatisticsQuery('s-1', { ...valid, to: valid.from }, 5000))).toEqual(['to']);
  });
});

describe('parseSensorsQuery and parseReadingsQuery', () => {
  it('when a sensors cursor is given, then it is the sensor id to continue after', () => {
    expect(parseSensorsQuery({ cursor: encodeSensorKey('s-9'), limit: '2' }, limits)).toEqual({
      limit: 2,
      after: 's-9',
    });
  });

  it('when a readings query is valid, then it is typed; metric is optional', () => {
    const cursor = encodeTimeKey('reading', { atUs: '5', id: 'r-1' });
    expect(parseReadingsQuery('s-1', { cursor }, limits)).toEqual({
      sensorId: 's-1',
      metric: undefined,
      limit: 100,
      after: { atUs: '5', id: 'r-1' },
    });
  });

  it('when an event cursor is given for readings, then the 400 names cursor', () => {
    const cursor = encodeTimeKey('event', { atUs: '5', id: 'r-1' });
    expect(fieldsOf(() => parseReadingsQuery('s-1', { cursor }, limits))).toEqual(['cursor']);
  });

  it('when the sensors list gets a filter it does not have, then the 400 names it', () => {
    expect(fieldsOf(() => parseSensorsQuery({ metric: 'temperature' }, limits))).toEqual(['metric']);
  });

  it('when a sensors prefix is given, then it is kept as given, with the cursor and limit', () => {
    expect(
      parseSensorsQuery({ prefix: 'site-7_%\\', cursor: encodeSensorKey('site-7-a'), limit: '3' }, limits),
    ).toEqual({ limit: 3, after: 'site-7-a', prefix: 'site-7_%\\' });
    expect(parseSensorsQuery({}, limits)).toEqual({ limit: 100, after: undefined });
  });

  it.each(['', 'x'.repeat(MAX_PREFIX_CHARS + 1), 'a\u0000', 'a\tb', 'a\u007f', 'a\u009f'])(
    'when the sensors prefix is %j, then the 400 names prefix',
    (prefix) => {
      expect(fieldsOf(() => parseSensorsQuery({ prefix }, limits))).toEqual(['prefix']);
    },
  );
});

describe('sensorPrefixError', () => {
  it.each(['a', 'x'.repeat(MAX_PREFIX_CHARS), '%', '_', '\\', '*', 'é', ' ', '<b>'])('accepts %j', (prefix) => {
    expect(sensorPrefixError(prefix)).toBeUndefined();
  });

  it('counts characters, not UTF-16 units', () => {
    expect(sensorPrefixError('😀'.repeat(MAX_PREFIX_CHARS))).toBeUndefined();
    expect(sensorPrefixError('😀'.repeat(MAX_PREFIX_CHARS + 1))).toMatch(/at most 128/);
  });

  it('says why it refuses', () => {
    expect(sensorPrefixError('')).toMatch(/empty/);
    expect(sensorPrefixError('a\nb')).toBe('must not contain control characters');
  });
});
