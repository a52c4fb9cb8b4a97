import { AppError } from '../../shared/src';
import { decodeLogKey, encodeLogKey } from './log-cursor';
import { parseLogsQuery, parseSensorLogsQuery } from './logs-query';

const limits = { defaultLimit: 100, maxLimit: 1000 };

function errorsOf(run: () => unknown): Array<{ field: string }> {
  try {
    run();
  } catch (err) {
    if (err instanceof AppError) return err.details as Array<{ field: string }>;
    throw err;
  }
  throw new Error('no error');
}

describe('log queries', () => {
  it('when every filter is given, then the query holds them, the level as its rank', () => {
    const cursor = encodeLogKey({ atUs: '1795428000000000', id: 'c/h/1' });
    expect(
      parseSensorLogsQuery(
        'host-1',
        {
          level: 'warning',
          source: 'kernel',
          q: 'disk full',
          from: '2026-11-22T00:00:00Z',
          to: '1795428000001',
          limit: '5',
          cursor,
        },
        limits,
      ),
    ).toEqual({
      sensorId: 'host-1',
      minLevel: 30,
      source: 'kernel',
      q: 'disk full',
      from: Date.parse('2026-11-22T00:00:00Z'),
      to: 1795428000001,
      limit: 5,
      after: { atUs: '1795428000000000', id: 'c/h/1' },
    });
    expect(parseLogsQuery({}, limits)).toEqual({ limit: 100, after: undefined });
    expect(parseLogsQuery({ sensorId: 'h' }, limits).sensorId).toBe('h');
  });

  it('when parameters are bad, then the 400 names each one', () => {
    const fields = errorsOf(() =>
      parseLogsQuery(
        { level: 'warn', source: '', q: '!!!', from: 'x', limit: '0', cursor: 'zz', sensorId: 'a b', metric: 't' },
        limits,
      ),
    ).map((e) => e.field);
    expect(fields.sort()).toEqual(['cursor', 'from', 'level', 'limit', 'metric', 'q', 'sensorId', 'source']);
    expect(errorsOf(() => parseSensorLogsQuery('a b', { q: 'x'.repeat(257) }, limits)).map((e) => e.field)).toEqual([
      'sensorId',
      'q',
    ]);
  });

  it("when another list's cursor or a forged one is given, then it is refused", () => {
    const readingCursor = Buffer.from(JSON.stringify(['r', '1', 'x'])).toString('base64url');
    expect(decodeLogKey(readingCursor)).toBeUndefined();
    expect(decodeLogKey(Buffer.from(JSON.stringify(['l', '9'.repeat(18), 'x'])).toString('base64url'))).toBeUndefined();
    expect(decodeLogKey(encodeLogKey({ atUs: '-5', id: 'x' }))).toEqual({ atUs: '-5', id: 'x' });
  });
});
