import type { KafkaMessage, Producer } from 'kafkajs';
import pino from 'pino';
import { eventCodec, PoisonMessageError, type Reading, readingCodec, type SensorEvent } from './codec';
import { decodeOrDeadLetter } from './dead-letter';
import { decodeEvent, decodeReading } from './message-validation';

const AT = Date.UTC(2026, 0, 1);
const reading: Reading = { id: 'r1', sensorId: 's', metric: 'temperature', value: 1, at: AT, receivedAt: AT };
const event: SensorEvent = {
  id: 'r1',
  sensorId: 's',
  metric: 'temperature',
  type: 'TEMPERATURE_EXCEEDED',
  value: 99,
  at: AT,
  threshold: 95,
  rule: 'temperature >= 95',
  warningsForEvent: 3,
  readingId: 'r1',
};

describe('decodeReading', () => {
  it('when the value is a reading the receiver could have accepted, then it is that reading', () => {
    expect({ ...decodeReading(readingCodec.encode(reading)) }).toEqual(reading);
    const clientId = { ...reading, id: `c/${'s'.repeat(128)}/${'9'.repeat(128)}/${'m'.repeat(64)}` };
    expect(decodeReading(readingCodec.encode(clientId)).id).toBe(clientId.id);
  });

  it.each([
    ['not Avro', Buffer.from('hello')],
    ['null', null],
    ['an event', eventCodec.encode(event)],
    ['a NUL byte in the sensor id', readingCodec.encode({ ...reading, sensorId: 'a\u0000b' })],
    ['a sensor id outside the contract', readingCodec.encode({ ...reading, sensorId: 'a b' })],
    ['a sensor id of 129 characters', readingCodec.encode({ ...reading, sensorId: 's'.repeat(129) })],
    ['an empty id', readingCodec.encode({ ...reading, id: '' })],
    [
      'a metric name PostgreSQL would store but the receiver refuses',
      readingCodec.encode({ ...reading, metric: 'Bad Name' }),
    ],
    ['NaN', readingCodec.encode({ ...reading, value: Number.NaN })],
    ['Infinity', readingCodec.encode({ ...reading, value: Number.POSITIVE_INFINITY })],
    ['a value beyond MAX_VALUE_MAGNITUDE', readingCodec.encode({ ...reading, value: 1e101 })],
    ['a date past year 9999', readingCodec.encode({ ...reading, at: 8.64e15 })],
    ['a receivedAt past year 9999', readingCodec.encode({ ...reading, receivedAt: 8.64e15 })],
  ])('when the value is %s, then it is poison', (_what, value) => {
    expect(() => decodeReading(value)).toThrow(PoisonMessageError);
  });
});

describe('decodeEvent', () => {
  it('when the value is an event the processor could have raised, then it is that event', () => {
    expect({ ...decodeEvent(eventCodec.encode(event)) }).toEqual(event);
  });

  it.each([
    ['a NUL in the rule', { ...event, rule: 'temperature \u0000>= 95' }],
    ['a NUL in the type', { ...event, type: 'TEMPERATURE\u0000' }],
    ['a NUL in the reading id', { ...event, readingId: 'r\u00001' }],
    ['an empty rule', { ...event, rule: '' }],
    ['a type outside the event types', { ...event, type: 'temperature exceeded' }],
    ['a threshold that is not finite', { ...event, threshold: Number.POSITIVE_INFINITY }],
    ['warningsForEvent 0', { ...event, warningsForEvent: 0 }],
    ['an invalid sensor id', { ...event, sensorId: 's/1' }],
  ])('when the event has %s, then it is poison', (_what, value) => {
    expect(() => decodeEvent(eventCodec.encode(value))).toThrow(PoisonMessageError);
  });
});

describe('decodeOrDeadLetter', () => {
  const message = (offset: string, value: Buffer | null): KafkaMessage => ({
    key: Buffer.from('s'),
    value,
    offset,
    timestamp: '0',
    attributes: 0,
    headers: {},
  });
  const target = {
    producer: {} as Producer,
    deadLetterTopic: 'dlq',
    groupId: 'g',
    logger: pino({ level: 'silent' }),
  };

  it('when a batch mixes good values and poison, then the good ones come back in order once the poison is handed to retry', async () => {
    const messages = [
      message('1', readingCodec.encode(reading)),
      message('2', Buffer.from('junk')),
      message('3', readingCodec.encode({ ...reading, id: 'r3' })),
      message('4', readingCodec.encode({ ...reading, value: Number.NaN })),
    ];
    const sends: Array<() => Promise<void>> = [];
    const counted: number[] = [];
    const decoded = await decodeOrDeadLetter(
      { topic: 'readings', partition: 2, messages },
      decodeReading,
      { ...target, counter: { inc: (n) => counted.push(n) } },
      async (send) => {
        sends.push(send);
      },
    );
    expect(decoded.map((d) => [d.message.offset, d.value.id])).toEqual([
      ['1', 'r1'],
      ['3', 'r3'],
    ]);
    expect(sends).toHaveLength(1);
    expect(counted).toEqual([2]);
  });

  it('when nothing is poison, then nothing is sent', async () => {
    const retry = jest.fn();
    const decoded = await decodeOrDeadLetter(
      { topic: 'readings', partition: 0, messages: [message('1', readingCodec.encode(reading))] },
      decodeReading,
      target,
      retry,
    );
    expect(decoded).toHaveLength(1);
    expect(retry).not.toHaveBeenCalled();
  });

  it('when decode fails with anything but PoisonMessageError, then that error is thrown (a bug, not poison)', async () => {
    await expect(
      decodeOrDeadLetter(
        { topic: 'readings', partition: 0, messages: [message('1', null)] },
        () => {
          throw new TypeError('bug');
        },
        target,
        jest.fn(),
      ),
    ).rejects.toThrow(TypeError);
  });
});
