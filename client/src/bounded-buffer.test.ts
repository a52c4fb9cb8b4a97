import { BoundedBuffer, flushDecision, type FlushPolicy, type FlushState } from './bounded-buffer';

const entry = (name: string, readings = 1, bytes = 10) => ({ name, readings, bytes });

describe('bounded buffer', () => {
  it('takes batches from the head within count and bytes, at least one entry', () => {
    const b = new BoundedBuffer<ReturnType<typeof entry>>({ maxReadings: 100, maxBytes: 1000 });
    for (const n of ['a', 'b', 'c', 'd', 'e']) b.push(entry(n, 2, 10));
    expect(b.take({ maxItems: 4, maxBytes: 1000 }).map((e) => e.name)).toEqual(['a', 'b']);
    expect(b.take({ maxItems: 100, maxBytes: 25 }).map((e) => e.name)).toEqual(['c', 'd']);
    b.push(entry('big', 50, 500));
    expect(b.take({ maxItems: 2, maxBytes: 10 }).map((e) => e.name)).toEqual(['e']);
    // alone over the batch limits: still sent, on its own
    expect(b.take({ maxItems: 2, maxBytes: 10 }).map((e) => e.name)).toEqual(['big']);
    expect(b.length).toBe(0);
  });

  it('counts what is in flight against the bound until it is released', () => {
    const b = new BoundedBuffer<ReturnType<typeof entry>>({ maxReadings: 3, maxBytes: 1000 });
    b.push(entry('a'));
    b.push(entry('b'));
    const batch = b.take({ maxItems: 10, maxBytes: 1000 });
    expect(b.pendingReadings).toBe(0);
    expect(b.totalReadings).toBe(2);
    b.push(entry('c'));
    expect(b.fits(entry('d'))).toBe(false);
    b.release(batch);
    expect(b.fits(entry('d'))).toBe(true);
    expect(b.totalReadings).toBe(1);
  });

  it('when full, drops the oldest waiting entries until the new one fits (bytes bound too)', () => {
    const b = new BoundedBuffer<ReturnType<typeof entry>>({ maxReadings: 100, maxBytes: 30 });
    for (const n of ['a', 'b', 'c']) b.push(entry(n));
    const dropped = b.dropOldestFor(entry('wide', 1, 20));
    expect(dropped.map((e) => e.name)).toEqual(['a', 'b']);
    expect(b.fits(entry('wide', 1, 20))).toBe(true);
    expect(b.pendingBytes).toBe(10);
  });

  it('when the batches in flight alone fill it, then dropping cannot make room', () => {
    const b = new BoundedBuffer<ReturnType<typeof entry>>({ maxReadings: 2, maxBytes: 1000 });
    b.push(entry('a'));
    b.push(entry('b'));
    b.take({ maxItems: 10, maxBytes: 1000 });
    expect(b.dropOldestFor(entry('c'))).toEqual([]);
    expect(b.fits(entry('c'))).toBe(false);
  });

  it('knows an entry that could never fit', () => {
    const b = new BoundedBuffer({ maxReadings: 5, maxBytes: 100 });
    expect(b.tooLarge(entry('x', 6, 1))).toBe(true);
    expect(b.tooLarge(entry('x', 1, 101))).toBe(true);
    expect(b.tooLarge(entry('x', 5, 100))).toBe(false);
  });

  it('keeps order and counts across many pushes and takes (the head is compacted)', () => {
    const b = new BoundedBuffer<{ n: number; readings: number; bytes: number }>({ maxReadings: 1e9, maxBytes: 1e12 });
    const out: number[] = [];
    for (let n = 0; n < 10_000; n++) {
      b.push({ n, readings: 1, bytes: 1 });
      if (n % 3 === 2) out.push(...b.take({ maxItems: 2, maxBytes: 100 }).map((e) => e.n));
    }
    out.push(...b.clear().map((e) => e.n));
    expect(out).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect(b.pendingReadings).toBe(0);
  });
});

describe('flush decision', () => {
  const policy: FlushPolicy = { maxItems: 100, maxBatchBytes: 1000, maxWaitMs: 500, concurrency: 2 };
  const state = (s: Partial<FlushState>): FlushState => ({
    pendingReadings: 10,
    pendingBytes: 100,
    oldestAgeMs: 100,
    inFlight: 0,
    forced: false,
    ...s,
  });

  it('sends when a full batch waits, by count or by bytes', () => {
    expect(flushDecision(state({ pendingReadings: 100 }), policy)).toEqual({ action: 'send' });
    expect(flushDecision(state({ pendingBytes: 1000 }), policy)).toEqual({ action: 'send' });
  });

  it('sends when the oldest has waited maxWaitMs, else says how long until then', () => {
    expect(flushDecision(state({ oldestAgeMs: 500 }), policy)).toEqual({ action: 'send' });
    expect(flushDecision(state({ oldestAgeMs: 120 }), policy)).toEqual({ action: 'wait', ms: 380 });
  });

  it('sends at once when forced (flush, close)', () => {
    expect(flushDecision(state({ forced: true, oldestAgeMs: 0 }), policy)).toEqual({ action: 'send' });
  });

  it('does nothing when nothing waits or every slot is in flight', () => {
    expect(flushDecision(state({ oldestAgeMs: undefined, pendingReadings: 0 }), policy)).toEqual({ action: 'idle' });
    expect(flushDecision(state({ inFlight: 2, pendingReadings: 500, forced: true }), policy)).toEqual({
      action: 'idle',
    });
  });
});
