import { createCommitTracker, partitionKey } from './commit-tracker';

describe('commit tracker', () => {
  it('when batches are written in order, then each makes its end committable', () => {
    const t = createCommitTracker();
    const a = t.add('logs', 0, '10');
    const b = t.add('logs', 0, '20');
    expect(a()).toBe('10');
    expect(b()).toBe('20');
    expect(t.pending).toBe(0);
  });

  it('when a later batch is written first, then nothing is committable until the earlier one is, then both', () => {
    const t = createCommitTracker();
    const a = t.add('logs', 0, '10');
    const b = t.add('logs', 0, '20');
    const c = t.add('logs', 0, '30');
    expect(b()).toBeUndefined();
    expect(t.pending).toBe(3);
    expect(a()).toBe('20');
    expect(c()).toBe('30');
  });

  it('when partitions interleave, then each commits on its own', () => {
    const t = createCommitTracker();
    const p0 = t.add('logs', 0, '5');
    const p1 = t.add('logs', 1, '7');
    expect(p1()).toBe('7');
    expect(p0()).toBe('5');
  });

  it('when a batch is marked written twice, then the second time commits nothing', () => {
    const t = createCommitTracker();
    const a = t.add('logs', 0, '10');
    expect(a()).toBe('10');
    expect(a()).toBeUndefined();
  });

  it('when a batch is never written (its write gave up), then no later batch of its partition commits', () => {
    const t = createCommitTracker();
    t.add('logs', 0, '10');
    const b = t.add('logs', 0, '20');
    expect(b()).toBeUndefined();
    expect(t.add('logs', 0, '30')()).toBeUndefined();
  });

  it('when a partition is no longer assigned, then its batches commit nothing and stop counting as pending', () => {
    const t = createCommitTracker();
    const lost = t.add('logs', 0, '10');
    const kept = t.add('logs', 1, '10');
    t.retain(new Set([partitionKey('logs', 1)]));
    expect(t.pending).toBe(1);
    expect(lost()).toBeUndefined();
    expect(kept()).toBe('10');
    // given back later: a new queue, committing from its own batches
    expect(t.add('logs', 0, '40')()).toBe('40');
  });
});
