import { createPartitionOwnership, meansPartitionsRevoked } from './partition-ownership';

describe('partition ownership', () => {
  it('when the group assigns a partition, then a lease on it holds and a lease on another does not', () => {
    const ownership = createPartitionOwnership();
    ownership.joined([0, 2]);
    expect(ownership.lease(0)()).toBe(true);
    expect(ownership.lease(1)()).toBe(false);
  });

  it('when a rebalance starts, then every lease ends at once', () => {
    const ownership = createPartitionOwnership();
    ownership.joined([0, 1]);
    const lease = ownership.lease(0);
    ownership.lostAll();
    expect(lease()).toBe(false);
    expect(ownership.lease(0)()).toBe(false);
  });

  it('when the same partition comes back in the next assignment, then a lease taken before stays ended', () => {
    const ownership = createPartitionOwnership();
    ownership.joined([0]);
    const before = ownership.lease(0);
    ownership.lostAll();
    ownership.joined([0]);
    expect(before()).toBe(false);
    expect(ownership.lease(0)()).toBe(true);
  });

  it('when nothing was assigned yet, then no lease holds', () => {
    expect(createPartitionOwnership().lease(0)()).toBe(false);
  });
});

describe('meansPartitionsRevoked', () => {
  it('when a heartbeat fails for a rebalance or an eviction, then it says so, and not for a network error', () => {
    expect(meansPartitionsRevoked({ type: 'REBALANCE_IN_PROGRESS' })).toBe(true);
    expect(meansPartitionsRevoked({ type: 'UNKNOWN_MEMBER_ID' })).toBe(true);
    expect(meansPartitionsRevoked({ type: 'ILLEGAL_GENERATION' })).toBe(true);
    expect(meansPartitionsRevoked(new Error('Connection closed'))).toBe(false);
    expect(meansPartitionsRevoked(undefined)).toBe(false);
  });
});
