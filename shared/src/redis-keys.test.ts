import { kafkaPartitionOf, counterField, partitionKeys, ruleStateField, sensorStateKey } from './redis-keys';

describe('kafkaPartitionOf', () => {
  // Pinned: Redis state is keyed by partition, so the partition of a key must never change under us
  // (a kafkajs upgrade that changed its default partitioner would move every sensor's state).
  it.each([
    ['', 3, 25],
    ['a', 4, 60],
    ['sensor-1', 1, 13],
    ['s-42', 5, 25],
    ['é-капля-🌡', 1, 45],
    ['site-7-gateway', 1, 25],
  ])(
    'when the key is "%s", then it is in partition %i of 6 and %i of 64, as Kafka\'s murmur2 puts it',
    (key, of6, of64) => {
      expect([kafkaPartitionOf(key, 6), kafkaPartitionOf(key, 64)]).toEqual([of6, of64]);
    },
  );

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
      seen: 'metrics:{metrics.readings:2}:seen',
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
