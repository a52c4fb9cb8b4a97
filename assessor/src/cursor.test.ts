import {
  decodeSensorKey,
  decodeStoredKey,
  decodeTimeKey,
  encodeSensorKey,
  encodeStoredKey,
  encodeTimeKey,
} from './cursor';

const anySensor = () => true;

describe('cursors', () => {
  it('when a time key is encoded, then it decodes to the same key and is base64url', () => {
    const key = { atUs: '1795341603123457', id: 'c/sensor-1/42/temperature' };
    const text = encodeTimeKey('event', key);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeTimeKey(text, 'event')).toEqual(key);
  });

  it('when a cursor of one list is given to another, then it is refused', () => {
    const text = encodeTimeKey('reading', { atUs: '1', id: 'x' });
    expect(decodeTimeKey(text, 'event')).toBeUndefined();
    expect(decodeSensorKey(text, anySensor)).toBeUndefined();
    expect(decodeTimeKey(encodeSensorKey('s-1'), 'reading')).toBeUndefined();
  });

  it('when a storage position is encoded, then only the stored-events list takes it back', () => {
    expect(decodeStoredKey(encodeStoredKey('9007199254740993'))).toBe('9007199254740993');
    expect(decodeStoredKey(encodeStoredKey('0'))).toBe('0');
    expect(decodeTimeKey(encodeStoredKey('5'), 'event')).toBeUndefined();
    expect(decodeStoredKey(encodeTimeKey('event', { atUs: '5', id: 'x' }))).toBeUndefined();
    expect(decodeStoredKey(encodeStoredKey('-1'))).toBeUndefined();
    expect(decodeStoredKey(encodeStoredKey('1'.repeat(19)))).toBeUndefined();
  });

  it('when a sensor key is encoded, then it decodes to the sensor id', () => {
    expect(decodeSensorKey(encodeSensorKey('a.b:c-d_e'), anySensor)).toBe('a.b:c-d_e');
  });

  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each([
    ['not base64url', 'abc$'],
    ['not JSON', Buffer.from('{oops').toString('base64url')],
    ['an object', b64({ e: 1 })],
    ['a number time', b64(['e', 1, 'x'])],
    ['a non-integer time', b64(['e', '1.5', 'x'])],
    ['an empty id', b64(['e', '1', ''])],
    ['too many parts', b64(['e', '1', 'x', 'y'])],
    ['too long', 'A'.repeat(5000)],
  ])('when a cursor is %s, then it is refused', (_what, text) => {
    expect(decodeTimeKey(text, 'event')).toBeUndefined();
  });

  it('when a sensor cursor holds an invalid sensor id, then it is refused', () => {
    expect(decodeSensorKey(encodeSensorKey('bad id'), (id) => /^[a-z-]+$/.test(id))).toBeUndefined();
  });
});
