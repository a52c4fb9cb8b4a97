import { createCommitQueue, type PartitionOffset } from './commit-queue';

const at = (partition: number, offset: string): PartitionOffset => ({ topic: 'logs', partition, offset });

describe('commit queue', () => {
  it('when offsets come while a request is out, then the next request carries the latest of each partition', async () => {
    const sent: PartitionOffset[][] = [];
    let release: () => void = () => undefined;
    const q = createCommitQueue(
      (offsets) => {
        sent.push(offsets);
        return sent.length === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve();
      },
      () => undefined,
    );
    q.commit(at(0, '10'));
    q.commit(at(0, '20'));
    q.commit(at(1, '5'));
    q.commit(at(0, '30'));
    release();
    await q.flush();
    expect(sent).toEqual([[at(0, '10')], [at(0, '30'), at(1, '5')]]);
  });

  it('when a request fails, then its offsets wait for the next commit, and a newer offset of a partition wins', async () => {
    const sent: PartitionOffset[][] = [];
    const failures: PartitionOffset[][] = [];
    let fail = true;
    const q = createCommitQueue(
      async (offsets) => {
        sent.push(offsets);
        if (fail) throw new Error('the coordinator is loading');
      },
      (_err, offsets) => failures.push(offsets),
    );
    q.commit(at(0, '10'));
    q.commit(at(1, '7'));
    await q.flush(); // the flush's own retry fails too: no loop
    expect(failures).toHaveLength(2);
    expect(q.waiting).toBe(2);
    fail = false;
    q.commit(at(0, '12'));
    await q.flush();
    expect([...(sent.at(-1) ?? [])].sort((a, b) => a.partition - b.partition)).toEqual([at(0, '12'), at(1, '7')]);
    expect(q.waiting).toBe(0);
  });

  it('when partitions are given away, then their waiting offsets are dropped and the others sent', async () => {
    const sent: PartitionOffset[][] = [];
    let fail = true;
    const q = createCommitQueue(
      async (offsets) => {
        sent.push(offsets);
        if (fail) throw new Error('rebalancing');
      },
      () => undefined,
    );
    q.commit(at(0, '10'));
    q.commit(at(1, '7'));
    await new Promise((r) => setImmediate(r));
    fail = false;
    q.retain(new Set(['logs:1']));
    await q.flush();
    expect(sent.at(-1)).toEqual([at(1, '7')]);
    expect(q.waiting).toBe(0);
  });
});
