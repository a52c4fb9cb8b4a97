import { eventCodec, readingCodec } from '../../shared/src';
import { eventRow, readingRow } from './rows';

const message = (value: Buffer | null) => ({
  key: Buffer.from('s'),
  value,
  offset: '7',
  timestamp: '0',
  attributes: 0,
  headers: {},
});
const good = {
  id: 'r1',
  sensorId: 's',
  metric: 'temperature',
  value: 1,
  at: Date.UTC(2026, 0, 1),
  receivedAt: Date.UTC(2026, 0, 1),
};

describe('readingRow', () => {
  it('when the value is a reading, then it is a row', () => {
    const row = readingRow(message(readingCodec.encode(good)), 't', 0);
    expect(row.kind).toBe('row');
    expect(row.kind === 'row' && { ...row.value }).toEqual(good);
  });

  it.each([
    ['not Avro', message(Buffer.from('hello'))],
    ['null', message(null)],
    [
      'an event',
      message(eventCodec.encode({ ...good, type: 'X', threshold: 1, rule: 'r', warningsForEvent: 1, readingId: 'r1' })),
    ],
    ['a NUL byte in the sensor id', message(readingCodec.encode({ ...good, sensorId: 'a\u0000b' }))],
    [
      'a metric PostgreSQL would store but we never accept',
      message(readingCodec.encode({ ...good, metric: 'Bad Name' })),
    ],
    ['NaN', message(readingCodec.encode({ ...good, value: Number.NaN }))],
    ['a date past year 9999', message(readingCodec.encode({ ...good, at: 8.64e15 }))],
  ])('when the value is %s, then it is poison with its origin', (_what, m) => {
    const row = readingRow(m, 'readings', 3);
    expect(row.kind).toBe('poison');
    if (row.kind === 'poison') expect(row.poison).toMatchObject({ topic: 'readings', partition: 3, message: m });
  });
});

describe('eventRow', () => {
  it('when the threshold is not finite, then it is poison', () => {
    const value = eventCodec.encode({
      ...good,
      type: 'X',
      threshold: Number.POSITIVE_INFINITY,
      rule: 'r',
      warningsForEvent: 1,
      readingId: 'r1',
    });
    expect(eventRow(message(value), 'events', 0).kind).toBe('poison');
  });
});
