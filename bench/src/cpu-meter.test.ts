import { coresUsed, type CpuSnapshot } from './cpu-meter';

describe('cpu-meter', () => {
  it('when two snapshots 10 s apart are compared, then each group gets its cores and the rest is other', () => {
    const start: CpuSnapshot = { atMs: 0, groups: { receiver: 100, postgres: 80 }, systemBusy: 1000 };
    // the saver started during the phase: all of its ticks count
    const end: CpuSnapshot = { atMs: 10_000, groups: { receiver: 600, postgres: 230, saver: 200 }, systemBusy: 2000 };
    const cores = coresUsed(start, end, 100);
    expect(cores.receiver).toBeCloseTo(0.5);
    expect(cores.postgres).toBeCloseTo(0.15);
    expect(cores.saver).toBeCloseTo(0.2);
    expect(cores.other).toBeCloseTo(0.15);
  });

  it('when a group lost ticks (a process exited without a reaper), then it is counted as 0, not negative', () => {
    const start: CpuSnapshot = { atMs: 0, groups: { kafka: 500 }, systemBusy: 0 };
    const end: CpuSnapshot = { atMs: 1000, groups: { kafka: 100 }, systemBusy: 50 };
    expect(coresUsed(start, end, 100)).toEqual({ kafka: 0, other: 0.5 });
  });

  it('when no time passed, then nothing is reported', () => {
    const s: CpuSnapshot = { atMs: 5, groups: {}, systemBusy: 0 };
    expect(coresUsed(s, s, 100)).toEqual({});
  });
});
