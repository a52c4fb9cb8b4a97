import { wrapTimed } from './timed';

function recorder() {
  const recorded: Array<{ metrics: Record<string, number>; at: number }> = [];
  return { recorded, record: (metrics: Record<string, number>, at: number) => recorded.push({ metrics, at }) };
}

function clock() {
  let t = 0;
  return { advance: (ms: number) => (t += ms), now: () => t, wall: () => 1_000_000 + t };
}

describe('timed', () => {
  it('records duration, one call and no error for a sync function, keeping its result and this', () => {
    const r = recorder();
    const c = clock();
    const obj = {
      factor: 3,
      work: wrapTimed(
        'parse',
        function (this: { factor: number }, x: number) {
          c.advance(12.5);
          return x * this.factor;
        },
        r.record,
        c,
      ),
    };
    expect(obj.work(2)).toBe(6);
    expect(r.recorded).toEqual([
      { metrics: { parse_duration_ms: 12.5, parse_calls: 1, parse_errors: 0 }, at: 1_000_000 },
    ]);
  });

  it('when it throws, then the error is counted and rethrown', () => {
    const r = recorder();
    const failing = wrapTimed(
      'load',
      () => {
        throw new Error('boom');
      },
      r.record,
    );
    expect(() => failing()).toThrow('boom');
    expect(r.recorded[0].metrics).toMatchObject({ load_calls: 1, load_errors: 1 });
  });

  it('times an async function until it settles, and returns its very promise', async () => {
    const r = recorder();
    const c = clock();
    let resolve!: (v: string) => void;
    const pending = new Promise<string>((res) => (resolve = res));
    const wrapped = wrapTimed('fetch', () => pending, r.record, c);
    const returned = wrapped();
    expect(returned).toBe(pending);
    expect(r.recorded).toHaveLength(0);
    c.advance(40);
    resolve('ok');
    await expect(returned).resolves.toBe('ok');
    await Promise.resolve();
    expect(r.recorded[0].metrics).toEqual({ fetch_duration_ms: 40, fetch_calls: 1, fetch_errors: 0 });

    const rejecting = wrapTimed('fetch', () => Promise.reject(new Error('no')), r.record, c);
    await expect(rejecting()).rejects.toThrow('no');
    await Promise.resolve();
    expect(r.recorded[1].metrics.fetch_errors).toBe(1);
  });

  it('when recording fails (a closed client), then the call is not affected', () => {
    const wrapped = wrapTimed(
      'x',
      () => 7,
      () => {
        throw new Error('closed');
      },
    );
    expect(wrapped()).toBe(7);
  });

  it('refuses a name that cannot make metric names', () => {
    for (const name of ['', 'Upper', '1x', 'a-b', 'x'.repeat(53)]) {
      expect(() =>
        wrapTimed(
          name,
          () => 1,
          () => undefined,
        ),
      ).toThrow(RangeError);
    }
    expect(() =>
      wrapTimed(
        'x'.repeat(52),
        () => 1,
        () => undefined,
      ),
    ).not.toThrow();
  });
});
