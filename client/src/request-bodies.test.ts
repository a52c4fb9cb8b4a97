import {
  fitLogMessage,
  jsonArray,
  logMessageProblem,
  logsPath,
  MAX_LOG_MESSAGE_BYTES,
  serialiseLogLine,
  serialiseMeasurement,
  toEpochMs,
} from './request-bodies';

describe('reading items', () => {
  it('are the batch endpoint item, with the id and the time as epoch ms', () => {
    const item = serialiseMeasurement('s-1:a.b_c', { temperature: 21.5, humidity: -4e-7 }, 1_700_000_000_000, 'e-1');
    expect(item.readings).toBe(2);
    expect(JSON.parse(item.json)).toEqual({
      sensorId: 's-1:a.b_c',
      id: 'e-1',
      at: 1_700_000_000_000,
      temperature: 21.5,
      humidity: -4e-7,
    });
    expect(JSON.parse(serialiseMeasurement('s', { x: 1e100 }, undefined, undefined).json)).toEqual({
      sensorId: 's',
      x: 1e100,
    });
  });

  it('refuse what the receiver would refuse, naming it', () => {
    const bad: Array<[string, Record<string, number>]> = [
      ['has space', { t: 1 }],
      ['', { t: 1 }],
      ['s', {}],
      ['s', { Temperature: 1 }],
      ['s', { at: 1 }],
      ['s', { id: 1 }],
      ['s', { t: Number.NaN }],
      ['s', { t: Infinity }],
      ['s', { t: 2e100 }],
      ['s', { t: '1' as unknown as number }],
      ['s', Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`m${i}`, i]))],
    ];
    for (const [sensor, metrics] of bad) {
      expect(() => serialiseMeasurement(sensor, metrics, undefined, undefined)).toThrow(RangeError);
    }
    expect(() => serialiseMeasurement('s', { t: 1 }, undefined, 'bad id')).toThrow(/client id/);
    expect(() => serialiseMeasurement('s', { t: 1 }, 'yesterday', undefined)).toThrow(/time/);
  });

  it('take a time as a Date, epoch ms or an ISO-8601 date-time with offset', () => {
    expect(toEpochMs(new Date('2026-11-22T10:00:00Z'))).toBe(Date.parse('2026-11-22T10:00:00Z'));
    expect(toEpochMs('2026-11-22T12:00:00.250+02:00')).toBe(Date.parse('2026-11-22T10:00:00.250Z'));
    expect(toEpochMs(1.6)).toBe(2);
    expect(() => toEpochMs('2026-11-22')).toThrow(RangeError);
    expect(() => toEpochMs(new Date('nope'))).toThrow(RangeError);
  });

  it('join into a JSON array', () => {
    expect(jsonArray([])).toBe('[]');
    expect(JSON.parse(jsonArray([{ json: '{"a":1}' }, { json: '{"b":2}' }]))).toEqual([{ a: 1 }, { b: 2 }]);
  });
});

describe('log lines (contract "Logs")', () => {
  it('are {at, level, message, source, id} and go to the sensor path', () => {
    const json = serialiseLogLine({
      at: 5000,
      level: 'warning',
      message: 'disk "/" at 91% — ünïcode',
      source: '/var/log/syslog',
      id: 'e-7',
    });
    expect(JSON.parse(json)).toEqual({
      at: 5000,
      level: 'warning',
      message: 'disk "/" at 91% — ünïcode',
      source: '/var/log/syslog',
      id: 'e-7',
    });
    expect(JSON.parse(serialiseLogLine({ level: 'info', message: 'x' }))).toEqual({ level: 'info', message: 'x' });
    expect(logsPath('host-1')).toBe('/api/v1/sensors/host-1/logs');
  });

  it('refuse unknown levels, empty, NUL, lone surrogates, over 8 KiB, bad sources', () => {
    expect(() => serialiseLogLine({ level: 'fatal' as 'info', message: 'x' })).toThrow(/level/);
    for (const message of ['', 'a\0b', 'bad \uD800 surrogate', 'é'.repeat(MAX_LOG_MESSAGE_BYTES / 2 + 1)]) {
      expect(logMessageProblem(message)).toBeDefined();
      expect(() => serialiseLogLine({ level: 'info', message })).toThrow(RangeError);
    }
    expect(logMessageProblem('é'.repeat(MAX_LOG_MESSAGE_BYTES / 2))).toBeUndefined();
    expect(() => serialiseLogLine({ level: 'info', message: 'x', source: '' })).toThrow(/source/);
    expect(() => serialiseLogLine({ level: 'info', message: 'x', source: 's'.repeat(257) })).toThrow(/source/);
  });

  it('fitLogMessage makes any text a valid message, cutting at a character boundary', () => {
    expect(fitLogMessage('a\0b')).toBe('a\uFFFDb');
    expect(fitLogMessage('x\uDC00')).toBe('x\uFFFD');
    expect(fitLogMessage('')).toBe(' ');
    const long = `a${'€'.repeat(5000)}`; // 3 bytes each: the cut falls inside one
    const fitted = fitLogMessage(long);
    expect(logMessageProblem(fitted)).toBeUndefined();
    expect(Buffer.byteLength(fitted)).toBe(8191);
    expect(long.startsWith(fitted)).toBe(true);
    const emoji = '😀'.repeat(3000);
    expect(logMessageProblem(fitLogMessage(emoji))).toBeUndefined();
    expect(Buffer.byteLength(fitLogMessage(emoji))).toBe(8192);
  });
});
