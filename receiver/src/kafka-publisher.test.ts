import { readingCodec } from '../../shared/src';
import { chunkByBytes, toMessage } from './kafka-publisher';

describe('toMessage', () => {
  it('keys the message by sensor id and encodes the reading as Avro', () => {
    const reading = { id: 'r1', sensorId: 's1', metric: 'temperature', value: 99, at: 1, receivedAt: 2 };
    const message = toMessage(reading);
    expect(message.key).toBe('s1');
    expect({ ...readingCodec.decode(message.value as Buffer) }).toEqual(reading);
  });
});

describe('chunkByBytes', () => {
  const msg = (bytes: number) => ({ key: 'k', value: Buffer.alloc(bytes) });
  it('when messages fit, then they stay in one chunk', () => {
    expect(chunkByBytes([msg(10), msg(10)], 1000)).toHaveLength(1);
  });
  it('when they do not, then chunks stay under the bound and keep the order', () => {
    const messages = Array.from({ length: 10 }, () => msg(100));
    const chunks = chunkByBytes(messages, 300);
    expect(chunks.flat()).toEqual(messages);
    for (const c of chunks) expect(c.reduce((n, m) => n + (m.value as Buffer).length + 33, 0)).toBeLessThanOrEqual(300);
  });
  it('when one message alone is over the bound, then it is a chunk of its own', () => {
    expect(chunkByBytes([msg(10), msg(5000), msg(10)], 300).map((c) => c.length)).toEqual([1, 1, 1]);
  });
});
