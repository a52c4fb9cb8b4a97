import { alarmCodec, PoisonMessageError } from '../../shared/src';
import { alarm } from '../../test/alarms';
import { decodeAlarm } from './alarm-message';

describe('decodeAlarm', () => {
  it('when the value is a valid transition, then it decodes to it', () => {
    const a = alarm();
    expect(decodeAlarm(alarmCodec.encode(a))).toEqual(a);
  });

  it.each([
    ['not our Avro', Buffer.from([0, 0, 0, 0, 42, 1])],
    ['empty', null],
    ['a bad sensor id', alarmCodec.encode(alarm({ sensorId: 'has space' }))],
    ['an unknown status', alarmCodec.encode(alarm({ status: 'open' as 'active' }))],
    ['a time past year 9999', alarmCodec.encode(alarm({ raisedAt: 253_402_300_800_000 }))],
    ['a comment with NUL', alarmCodec.encode(alarm({ comment: 'a\u0000b' }))],
    ['a non-finite peak', alarmCodec.encode(alarm({ peak: Number.POSITIVE_INFINITY }))],
  ])('when the value has %s, then it is poison (dead-lettered)', (_what, value) => {
    expect(() => decodeAlarm(value)).toThrow(PoisonMessageError);
  });
});
