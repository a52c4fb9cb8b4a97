import { createStreamQueue, overflows } from './stream-queue';

describe('stream queue', () => {
  it('when frames are offered within the bound, then they are taken as one chunk, oldest first', () => {
    const q = createStreamQueue(100);
    expect(q.offer('a\n\n', 0)).toBe(true);
    expect(q.offer('b\n\n', 0)).toBe(true);
    expect(q.frames).toBe(2);
    expect(q.bytes).toBe(6);
    expect(q.take()).toBe('a\n\nb\n\n');
    expect(q.bytes).toBe(0);
    expect(q.take()).toBe('');
  });

  it('when a frame would take queue and socket buffer past the bound, then it is refused and nothing is queued', () => {
    const q = createStreamQueue(10);
    expect(q.offer('12345', 0)).toBe(true);
    expect(q.offer('123456', 0)).toBe(false);
    expect(q.offer('12345', 1)).toBe(false); // the socket still holds a byte
    expect(q.offer('12345', 0)).toBe(true); // exactly at the bound
    expect(q.frames).toBe(2);
  });

  it('when frames hold multi-byte characters, then the bound counts UTF-8 bytes', () => {
    const q = createStreamQueue(5);
    expect(q.offer('€€', 0)).toBe(false); // 6 bytes
    expect(q.offer('€', 0)).toBe(true);
    expect(q.bytes).toBe(3);
  });

  it('when deciding, then queued, buffered and the new frame together count', () => {
    expect(overflows(100, 100, 56, 256)).toBe(false);
    expect(overflows(100, 100, 57, 256)).toBe(true);
  });
});
