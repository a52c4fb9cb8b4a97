import { loadConfig } from './config';
import { pipelineTopics } from './kafka';

describe('pipelineTopics', () => {
  const config = loadConfig({ KAFKA_PARTITIONS: '4' }).kafka;

  const keyedBySensor = (brokers: number) => pipelineTopics(config, brokers).filter((t) => t.topic !== 'metrics.rules');

  it('when the cluster has one broker, then the topics have one replica and no topic config', () => {
    const topics = keyedBySensor(1);
    expect(topics.map((t) => t.topic)).toEqual(expect.arrayContaining(['metrics.readings', 'metrics.events']));
    for (const t of topics) expect(t).toEqual({ topic: t.topic, numPartitions: 4, replicationFactor: 1 });
  });

  it('when the cluster has three brokers, then each topic has 3 replicas and min.insync.replicas 2', () => {
    for (const t of keyedBySensor(3)) {
      expect(t).toEqual({
        topic: t.topic,
        numPartitions: 4,
        replicationFactor: 3,
        configEntries: [{ name: 'min.insync.replicas', value: '2' }],
      });
    }
  });

  it('when listed, then the rules topic is one compacted partition, replicated like the others', () => {
    const rules = (brokers: number) => pipelineTopics(config, brokers).find((t) => t.topic === 'metrics.rules');
    expect(rules(1)).toEqual({
      topic: 'metrics.rules',
      numPartitions: 1,
      replicationFactor: 1,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    });
    expect(rules(3)).toEqual({
      topic: 'metrics.rules',
      numPartitions: 1,
      replicationFactor: 3,
      configEntries: [
        { name: 'min.insync.replicas', value: '2' },
        { name: 'cleanup.policy', value: 'compact' },
      ],
    });
  });

  it('when the settings are given, then they win over auto', () => {
    const fixed = loadConfig({ KAFKA_REPLICATION_FACTOR: '2', KAFKA_MIN_INSYNC_REPLICAS: '2' }).kafka;
    expect(pipelineTopics(fixed, 3)[0]).toMatchObject({
      replicationFactor: 2,
      configEntries: [{ name: 'min.insync.replicas', value: '2' }],
    });
  });
});

describe('replication settings', () => {
  it('when nothing is set, then both are auto', () => {
    const { kafka } = loadConfig({});
    expect([kafka.replicationFactor, kafka.minInsyncReplicas]).toEqual(['auto', 'auto']);
  });

  it('when set by environment, then they are numbers', () => {
    const { kafka } = loadConfig({ KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: 'auto' });
    expect([kafka.replicationFactor, kafka.minInsyncReplicas]).toEqual([3, 'auto']);
  });

  it('when invalid, then loading fails naming the setting', () => {
    expect(() => loadConfig({ KAFKA_REPLICATION_FACTOR: '0' })).toThrow(/kafka.replicationFactor/);
    expect(() => loadConfig({ KAFKA_MIN_INSYNC_REPLICAS: 'two' })).toThrow(/kafka.minInsyncReplicas/);
  });
});
