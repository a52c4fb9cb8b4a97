import { MAX_LOG_MESSAGE_BYTES } from '../../shared/src';
import { logLineId, toLogLines, validateLogLines } from './log-validation';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const limits = { now: NOW, maxFutureSkewMs: 86_400_000, oldestAt: Date.parse('2000-01-01T00:00:00Z') };

describe('validateLogLines', () => {
  it('when lines are valid, then each becomes a draft with the path sensor, its at or now, and its source', () => {
    const v = validateLogLines(
      [
        { level: 'info', message: 'up' },
        {
          level: 'critical',
          message: 'disk full',
          source: '/var/log/syslog',
          at: '2026-11-22T10:00:00+01:00',
          id: 'l-7',
        },
        { level: 'debug', message: 'x', at: 1795428000000 },
      ],
      'host-1',
      limits,
    );
    expect(v).toEqual({
      ok: true,
      lines: [
        { sensorId: 'host-1', level: 'info', source: null, message: 'up', at: NOW },
        {
          sensorId: 'host-1',
          level: 'critical',
          source: '/var/log/syslog',
          message: 'disk full',
          at: Date.parse('2026-11-22T09:00:00Z'),
          clientId: 'l-7',
        },
        { sensorId: 'host-1', level: 'debug', source: null, message: 'x', at: 1795428000000 },
      ],
    });
  });

  it('when several lines are bad, then every error is named by its index and no line is kept', () => {
    const v = validateLogLines(
      [
        { level: 'info', message: 'fine' },
        { level: 'warn', message: 'x' },
        { level: 'info' },
        { level: 'error', message: 'a'.repeat(MAX_LOG_MESSAGE_BYTES + 1) },
        { level: 'error', message: 'nul \u0000 here' },
        { level: 'info', message: 3, source: '' },
        { level: 'info', message: 'x', id: 'a b', at: 'yesterday', extra: 1 },
        'a string',
        { message: 'x' },
      ],
      'host-1',
      limits,
    );
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors).toEqual([
      { index: 1, field: 'level', message: 'must be one of debug, info, warning, error, critical' },
      { index: 2, field: 'message', message: 'is required: 1 byte to 8 KiB of UTF-8 without NUL' },
      { index: 3, field: 'message', message: 'must be at most 8192 bytes of UTF-8' },
      { index: 4, field: 'message', message: 'must not contain NUL' },
      { index: 5, field: 'message', message: 'must be a string' },
      { index: 5, field: 'source', message: 'must be 1-256 characters of text without NUL' },
      { index: 6, field: 'extra', message: 'is not a field of a log line (at, level, message, source, id)' },
      { index: 6, field: 'id', message: 'must be 1-128 characters of A-Z a-z 0-9 . _ : -' },
      {
        index: 6,
        field: 'at',
        message: 'must be an ISO-8601 date-time with offset (2026-11-22T10:00:00Z) or epoch milliseconds',
      },
      { index: 7, field: 'body', message: 'must be a JSON object {"level", "message", "at"?, "source"?, "id"?}' },
      { index: 8, field: 'level', message: 'is required: must be one of debug, info, warning, error, critical' },
    ]);
  });

  it.each([
    ['an object', { level: 'info', message: 'x' }, 'must be a JSON array of log lines'],
    ['an empty array', [], 'at least one'],
    ['5,001 lines', Array.from({ length: 5001 }, () => ({ level: 'info', message: 'x' })), 'at most 5000'],
  ])('when the body is %s, then one error names the body', (_what, body, message) => {
    const v = validateLogLines(body, 'host-1', limits);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.errors).toEqual([{ field: 'body', message: expect.stringContaining(message) }]);
  });

  it('when the path sensor is invalid, then it alone is named', () => {
    expect(validateLogLines([{ level: 'info', message: 'x' }], 'a b', limits)).toEqual({
      ok: false,
      errors: [{ field: 'sensorId', message: 'must be 1-128 characters of A-Z a-z 0-9 . _ : -' }],
    });
  });

  it('when 5,000 lines are all bad, then the list is bounded and the count says how many', () => {
    const v = validateLogLines(
      Array.from({ length: 5000 }, () => ({ level: 'nope', message: '' })),
      'host-1',
      limits,
    );
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errorCount).toBe(10_000);
    expect(v.errors.length).toBeLessThan(1000);
  });

  it('when a line is 5 s or a day and a second ahead, then the first is taken and the second refused', () => {
    expect(validateLogLines([{ level: 'info', message: 'x', at: NOW + 5000 }], 'h', limits).ok).toBe(true);
    expect(validateLogLines([{ level: 'info', message: 'x', at: NOW + 86_401_000 }], 'h', limits).ok).toBe(false);
  });
});

describe('log line ids', () => {
  it('when a line has a client id, then its id is c/<sensor>/<id>; without, a fresh id', () => {
    const base = { sensorId: 'host-1', level: 'info' as const, source: null, message: 'x', at: NOW };
    expect(logLineId({ ...base, clientId: '42' })).toBe('c/host-1/42');
    expect(logLineId(base, () => 'fresh')).toBe('fresh');
    expect(toLogLines([{ ...base, clientId: '42' }], NOW + 1)).toEqual([
      {
        id: 'c/host-1/42',
        sensorId: 'host-1',
        level: 'info',
        source: null,
        message: 'x',
        at: NOW,
        receivedAt: NOW + 1,
      },
    ]);
  });
});
