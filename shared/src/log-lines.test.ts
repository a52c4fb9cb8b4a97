import samples from '../avro/fixtures/samples.json';
import { type LogLine, logCodec, PoisonMessageError } from './codec';
import {
  decodeLogLine,
  isLogLevel,
  LOG_LEVEL_RANK,
  logLevelOfRank,
  logMessageProblem,
  logSourceProblem,
  MAX_LOG_MESSAGE_BYTES,
} from './log-lines';

const line = samples.log.value as LogLine;

describe('log messages', () => {
  it.each([
    ['a one-byte message', 'x'],
    ['8 KiB of ASCII', 'a'.repeat(MAX_LOG_MESSAGE_BYTES)],
    ['8 KiB of 4-byte characters', '😀'.repeat(MAX_LOG_MESSAGE_BYTES / 4)],
    ['control characters and white space', '\t line\r\n'],
  ])('when it is %s, then it is valid', (_what, message) => {
    expect(logMessageProblem(message)).toBeUndefined();
  });

  it.each([
    ['empty', '', 'must not be empty'],
    ['8 KiB and a byte', 'a'.repeat(MAX_LOG_MESSAGE_BYTES + 1), 'at most 8192 bytes'],
    ['8 KiB of 3-byte characters and one more', 'é'.repeat(4096) + 'x', 'at most 8192 bytes'],
    ['holding a NUL', 'a\u0000b', 'NUL'],
    ['holding a lone surrogate', 'a\ud800b', 'lone surrogate'],
    ['a number', 42, 'must be a string'],
    ['null', null, 'must be a string'],
  ])('when it is %s, then it is refused', (_what, message, problem) => {
    expect(logMessageProblem(message)).toContain(problem);
  });
});

describe('log sources and levels', () => {
  it('when a source is 1-256 characters without NUL, then it is valid; otherwise refused', () => {
    expect(logSourceProblem('/var/log/syslog')).toBeUndefined();
    expect(logSourceProblem('s'.repeat(256))).toBeUndefined();
    for (const bad of ['', 's'.repeat(257), 'a\u0000', '\udc00', 7, null]) expect(logSourceProblem(bad)).toBeDefined();
  });

  it('when levels are ranked, then severity ascends and every rank maps back', () => {
    expect(LOG_LEVEL_RANK.debug).toBeLessThan(LOG_LEVEL_RANK.info);
    expect(LOG_LEVEL_RANK.error).toBeLessThan(LOG_LEVEL_RANK.critical);
    for (const [level, rank] of Object.entries(LOG_LEVEL_RANK)) expect(logLevelOfRank(rank)).toBe(level);
    expect(isLogLevel('warning')).toBe(true);
    expect(isLogLevel('WARNING')).toBe(false);
    expect(isLogLevel('warn')).toBe(false);
  });
});

describe('decoding log lines from Kafka', () => {
  it('when the sample is decoded, then it is the sample', () => {
    expect({ ...decodeLogLine(Buffer.from(samples.log.hex, 'hex')) }).toEqual(line);
  });

  it.each([
    ['a NUL in the message', { message: 'a\u0000' }],
    ['an empty message', { message: '' }],
    ['a message over 8 KiB', { message: 'a'.repeat(MAX_LOG_MESSAGE_BYTES + 1) }],
    ['an invalid sensor id', { sensorId: 'a b' }],
    ['an empty source', { source: '' }],
    ['an id with a space', { id: 'a b' }],
    ['a time past year 9999', { at: 253402300800000 }],
  ])('when a line has %s, then it is poison', (_what, change) => {
    expect(() => decodeLogLine(logCodec.encode({ ...line, ...change }))).toThrow(PoisonMessageError);
  });

  it('when the value is a reading, then it is poison', () => {
    expect(() => decodeLogLine(Buffer.from(samples.reading.hex, 'hex'))).toThrow(PoisonMessageError);
  });
});
