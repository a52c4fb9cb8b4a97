import samples from '../avro/fixtures/samples.json';
import {
  alarmCodec,
  type AlarmMessage,
  eventCodec,
  type LogLine,
  logCodec,
  PoisonMessageError,
  type Reading,
  readingCodec,
  type RuleSetMessage,
  ruleSetCodec,
  schemaIdOf,
  type SensorCommand,
  commandCodec,
  type SensorEvent,
} from './codec';

// Committed encoded samples pin the wire format: a change to a schema or to the framing that would
// break consumers already deployed fails here, not in production.
describe('Avro codecs against committed samples', () => {
  it('when the reading sample is decoded, then it gives the sample value and re-encodes byte for byte', () => {
    const bytes = Buffer.from(samples.reading.hex, 'hex');
    expect({ ...readingCodec.decode(bytes) }).toEqual(samples.reading.value);
    expect(readingCodec.encode(samples.reading.value as Reading).toString('hex')).toBe(samples.reading.hex);
  });

  it('when the event sample is decoded, then it gives the sample value and re-encodes byte for byte', () => {
    const bytes = Buffer.from(samples.event.hex, 'hex');
    expect({ ...eventCodec.decode(bytes) }).toEqual(samples.event.value);
    expect(eventCodec.encode(samples.event.value as SensorEvent).toString('hex')).toBe(samples.event.hex);
  });

  it('when the alarm sample is decoded, then it gives the sample value and re-encodes byte for byte', () => {
    const bytes = Buffer.from(samples.alarm.hex, 'hex');
    expect({ ...alarmCodec.decode(bytes) }).toEqual(samples.alarm.value);
    expect(alarmCodec.encode(samples.alarm.value as AlarmMessage).toString('hex')).toBe(samples.alarm.hex);
  });

  it('when the log line sample is decoded, then it gives the sample value and re-encodes byte for byte', () => {
    const bytes = Buffer.from(samples.log.hex, 'hex');
    expect({ ...logCodec.decode(bytes) }).toEqual(samples.log.value);
    expect(logCodec.encode(samples.log.value as LogLine).toString('hex')).toBe(samples.log.hex);
    expect(schemaIdOf(bytes)).toBe(6);
  });

  it('when a log line has no source, then it round-trips as null', () => {
    const line: LogLine = { ...(samples.log.value as LogLine), source: null, level: 'critical' };
    expect({ ...logCodec.decode(logCodec.encode(line)) }).toEqual(line);
  });

  it('when an alarm has the nulls of a silence alarm, then they round-trip as nulls', () => {
    const silent: AlarmMessage = {
      ...(samples.alarm.value as AlarmMessage),
      metric: null,
      value: null,
      peak: null,
      lastWarningAt: null,
      type: 'SENSOR_SILENT',
    };
    expect({ ...alarmCodec.decode(alarmCodec.encode(silent)) }).toEqual(silent);
  });

  it('when a command or a rule set is encoded, then it decodes to the same value with its own schema id', () => {
    const command: SensorCommand = {
      id: 'c1',
      kind: 'clear_alarm',
      sensorId: 's-1',
      rule: 'temperature',
      alarmId: 'a1',
      by: 'ops',
      comment: null,
      at: 1795000000000,
    };
    const rules: RuleSetMessage = { version: 7, rules: '[]', at: 1795000000000 };
    expect({ ...commandCodec.decode(commandCodec.encode(command)) }).toEqual(command);
    expect({ ...ruleSetCodec.decode(ruleSetCodec.encode(rules)) }).toEqual(rules);
    expect(schemaIdOf(commandCodec.encode(command))).toBe(4);
    expect(schemaIdOf(Buffer.from(samples.reading.hex, 'hex'))).toBe(1);
    expect(schemaIdOf(Buffer.from('{"temperature": 99}'))).toBeUndefined();
    expect(() => readingCodec.decode(commandCodec.encode(command))).toThrow(PoisonMessageError);
  });

  it('frames values as magic byte 0 and a big-endian schema id', () => {
    expect(samples.reading.hex.slice(0, 10)).toBe('0000000001');
    expect(samples.event.hex.slice(0, 10)).toBe('0000000002');
    expect(samples.alarm.hex.slice(0, 10)).toBe('0000000003');
  });
});

describe('decoding what is not ours', () => {
  const reading = Buffer.from(samples.reading.hex, 'hex');
  it.each([
    ['an empty value', null],
    ['a value shorter than the header', Buffer.from([0, 0])],
    ['JSON text', Buffer.from('{"temperature": 99}')],
    ['another schema id', Buffer.concat([Buffer.from([0, 0, 0, 0, 9]), reading.subarray(5)])],
    ['an event given to the reading decoder', Buffer.from(samples.event.hex, 'hex')],
    ['a truncated body', reading.subarray(0, reading.length - 3)],
    ['trailing bytes', Buffer.concat([reading, Buffer.from([1, 2, 3])])],
  ])('when it is %s, then decode throws PoisonMessageError', (_what, value) => {
    expect(() => readingCodec.decode(value)).toThrow(PoisonMessageError);
  });

  it('when a value is not valid for the schema, then encode refuses it', () => {
    expect(() =>
      readingCodec.encode({ ...(samples.reading.value as Reading), value: 'hot' as unknown as number }),
    ).toThrow();
  });
});
