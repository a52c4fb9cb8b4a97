import { alarm } from '../../test/alarms';
import { decodeAlarm } from './alarm-validation';
import { alarmCodec, PoisonMessageError } from './codec';

describe('decodeAlarm (shared by the saver and the notifier)', () => {
  it('when the transition is valid, then it decodes to it', () => {
    const a = alarm({ transition: 'acknowledged', acknowledged: true, acknowledgedAt: 1, acknowledgedBy: 'ops' });
    expect(decodeAlarm(alarmCodec.encode(a))).toEqual(a);
  });

  it.each([
    ['a negative version', alarm({ version: -1 })],
    ['an empty rule', alarm({ rule: '' })],
    ['a NUL in clearedBy', alarm({ clearedBy: 'a\u0000' })],
  ])('when it has %s, then it is poison', (_what, a) => {
    expect(() => decodeAlarm(alarmCodec.encode(a))).toThrow(PoisonMessageError);
  });
});
