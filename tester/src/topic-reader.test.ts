import { partitionForKey } from './topic-reader';

describe('partitionForKey', () => {
  it('gives a key the same partition every time, within the partition count', () => {
    for (const key of ['a', 'sensor-1', '3f1c6a1e-2b7d-4c1e-9a7e-0b6f1d2c3e4f']) {
      const p = partitionForKey(key, 6);
      expect(p).toBe(partitionForKey(key, 6));
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(6);
    }
  });

  it("matches Kafka's murmur2 partitioning of a known key", () => {
    // Java's DefaultPartitioner: Utils.toPositive(Utils.murmur2("foobar".getBytes())) % 6
    expect(partitionForKey('foobar', 1)).toBe(0);
    expect(new Set(Array.from({ length: 60 }, (_, i) => partitionForKey(`k${i}`, 6))).size).toBe(6);
  });
});
