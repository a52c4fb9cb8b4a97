import { benchPlan } from './bench-plan';

describe('bench-plan', () => {
  it('when run plainly, then the e2e load lasts 60 s at 20,000 readings/s over 30 days of history', () => {
    const plan = benchPlan({});
    expect(plan.quick).toBe(false);
    expect(plan.e2e).toMatchObject({ durationS: 60, rate: 20_000 });
    expect(plan.statistics.days).toBe(30);
    expect(plan.receiver.durationS).toBeGreaterThanOrEqual(15);
  });

  it('when BENCH_QUICK=1, then every phase is a few seconds; BENCH_E2E_S still wins', () => {
    const quick = benchPlan({ BENCH_QUICK: '1' });
    expect(quick.quick).toBe(true);
    expect(quick.e2e.durationS).toBeLessThanOrEqual(5);
    expect(quick.receiver.durationS).toBeLessThanOrEqual(5);
    expect(benchPlan({ BENCH_QUICK: '1', BENCH_E2E_S: '90' }).e2e.durationS).toBe(90);
  });

  it('when BENCH_E2E_S is not a positive number, then the plan refuses it by name', () => {
    expect(() => benchPlan({ BENCH_E2E_S: 'soon' })).toThrow('BENCH_E2E_S must be a positive number');
  });
});
