import { randomBytes } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { counterField, kafkaPartitionOf, partitionKeys, ruleStateField, sensorStateKey } from './redis-keys';

/** The partition kafkajs itself picks for a keyed message. */
function kafkajsPartition(key: string | Buffer, partitions: number): number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({
    partitionId: i,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return partitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
}

describe('kafkaPartitionOf', () => {
  it("when given any key, then it picks the partition kafkajs' DefaultPartitioner picks", () => {
    const keys: Array<string | Buffer> = ['', 'a', 'ab', 'abc', 'abcd', 'sensor-1', 'é-капля-🌡', 'x'.repeat(1000)];
    for (let i = 0; i < 2000; i++) keys.push(`sensor-${i}`, randomBytes(i % 37));
    for (const partitions of [1, 3, 6, 7, 64]) {
      const ours = keys.map((key) => kafkaPartitionOf(key, partitions));
      const theirs = keys.map((key) => kafkajsPartition(key, partitions));
      expect(ours).toEqual(theirs);
    }
  });

  it('when the partition count is not a positive integer, then it throws', () => {
    expect(() => kafkaPartitionOf('s', 0)).toThrow(/positive/);
  });
});

describe('partitionKeys', () => {
  it('when building the keys of a partition, then all of them share the hash tag of topic and partition', () => {
    const keys = partitionKeys('metrics:', 'metrics.readings', 2);
    expect(keys).toMatchObject({
      tag: '{metrics.readings:2}',
      progress: 'metrics:{metrics.readings:2}:progress',
      dedup: 'metrics:{metrics.readings:2}:dedup',
      outbox: 'metrics:{metrics.readings:2}:outbox',
    });
    expect(keys.sensor('s-1')).toBe('metrics:{metrics.readings:2}:sensor:s-1');
  });

  it('when the prefix holds a brace, then it throws (the prefix would become the hash tag)', () => {
    expect(() => partitionKeys('a{b}:', 't', 0)).toThrow(/must not contain/);
  });

  it("when looking a sensor's state up by id, then the key is in the sensor's partition", () => {
    const p = kafkaPartitionOf('s-42', 3);
    expect(sensorStateKey('m:', 'r', 3, 's-42')).toBe(`m:{r:${p}}:sensor:s-42`);
  });
});

describe('sensor hash fields', () => {
  it('when naming the fields of a rule, then the counter is the rule name and other state is <rule>:<what>', () => {
    expect(counterField('temperature')).toBe('temperature');
    expect(ruleStateField('temperature', 'alarm')).toBe('temperature:alarm');
  });
});
