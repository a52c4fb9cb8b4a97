import { AppError } from '../../shared/src';
import { encodeTimeKey } from './cursor';
import { parseActionBody, parseAlarmId, parseAlarmsQuery } from './alarm-params';

const limits = { defaultLimit: 100, maxLimit: 1000 };
const fieldsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (err) {
    if (err instanceof AppError) return err.details.map((d) => d.field);
    throw err;
  }
  throw new Error('expected a 400');
};

describe('parseAlarmsQuery', () => {
  it('when nothing is given, then the default page with no filter', () => {
    expect(parseAlarmsQuery({}, limits)).toEqual({ limit: 100 });
  });

  it('when every filter is given, then each is typed', () => {
    const cursor = encodeTimeKey('alarm', { atUs: '1000', id: 'x' });
    expect(
      parseAlarmsQuery(
        {
          status: 'active',
          acknowledged: 'false',
          sensorId: 's-1',
          rule: 'hot',
          type: 'SENSOR_SILENT',
          severity: 'critical',
          from: '2026-11-22T10:00:00Z',
          to: '1895000000000',
          limit: '5',
          cursor,
        },
        limits,
      ),
    ).toEqual({
      status: 'active',
      acknowledged: false,
      sensorId: 's-1',
      rule: 'hot',
      type: 'SENSOR_SILENT',
      severity: 'critical',
      from: Date.parse('2026-11-22T10:00:00Z'),
      to: 1895000000000,
      limit: 5,
      after: { atUs: '1000', id: 'x' },
    });
  });

  it('when values are bad, then the 400 names every one', () => {
    const events = encodeTimeKey('event', { atUs: '1000', id: 'x' });
    expect(
      fieldsOf(() =>
        parseAlarmsQuery(
          { status: 'open', acknowledged: 'yes', severity: 'huge', rule: 'Hot', limit: '0', cursor: events, x: '1' },
          limits,
        ),
      ).sort(),
    ).toEqual(['acknowledged', 'cursor', 'limit', 'rule', 'severity', 'status', 'x']);
  });

  it('when the sensor is in the path, then it is checked and sensorId is not a parameter', () => {
    expect(parseAlarmsQuery({}, limits, 's-1')).toEqual({ sensorId: 's-1', limit: 100 });
    expect(fieldsOf(() => parseAlarmsQuery({ sensorId: 's-2' }, limits, 's-1'))).toEqual(['sensorId']);
    expect(fieldsOf(() => parseAlarmsQuery({}, limits, 'bad id'))).toEqual(['sensorId']);
  });
});

describe('parseAlarmId', () => {
  it('when a UUID in any case, then its lower case', () => {
    expect(parseAlarmId('0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B')).toBe('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b');
  });

  it('when not a UUID, or with a query parameter, then a 400', () => {
    expect(fieldsOf(() => parseAlarmId('not-a-uuid'))).toEqual(['id']);
    expect(fieldsOf(() => parseAlarmId('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', { q: '1' }))).toEqual(['q']);
  });
});

describe('parseActionBody', () => {
  it('when absent, empty or null, then no comment', () => {
    expect(parseActionBody(undefined)).toEqual({ comment: null });
    expect(parseActionBody({})).toEqual({ comment: null });
    expect(parseActionBody({ comment: null })).toEqual({ comment: null });
  });

  it('when the comment is at most 1 KiB of UTF-8, then it is taken', () => {
    expect(parseActionBody({ comment: 'é'.repeat(512) })).toEqual({ comment: 'é'.repeat(512) });
  });

  it('when the comment is over 1 KiB, empty, not text or holds NUL, or a field is unknown, then a 400', () => {
    expect(fieldsOf(() => parseActionBody({ comment: 'é'.repeat(513) }))).toEqual(['comment']);
    expect(fieldsOf(() => parseActionBody({ comment: '' }))).toEqual(['comment']);
    expect(fieldsOf(() => parseActionBody({ comment: 1 }))).toEqual(['comment']);
    expect(fieldsOf(() => parseActionBody({ comment: 'a\u0000' }))).toEqual(['comment']);
    expect(fieldsOf(() => parseActionBody({ by: 'me', when: 1 }))).toEqual(['by', 'when']);
    expect(fieldsOf(() => parseActionBody('hi'))).toEqual(['body']);
  });
});
