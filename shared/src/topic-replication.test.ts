import { topicReplication } from './topic-replication';

const auto = { replicationFactor: 'auto', minInsyncReplicas: 'auto' } as const;

describe('topicReplication', () => {
  it('when both are auto, then a single broker gets 1 replica and 1 in sync', () => {
    expect(topicReplication(auto, 1)).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
  });

  it('when both are auto, then 2 brokers get 2 replicas of which 1 must be in sync', () => {
    expect(topicReplication(auto, 2)).toEqual({ replicationFactor: 2, minInsyncReplicas: 1 });
  });

  it('when both are auto, then 3 or more brokers get 3 replicas of which 2 must be in sync', () => {
    expect(topicReplication(auto, 3)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(topicReplication(auto, 7)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('when the replication factor is set, then it is used and min.insync follows it', () => {
    expect(topicReplication({ ...auto, replicationFactor: 5 }, 6)).toEqual({
      replicationFactor: 5,
      minInsyncReplicas: 2,
    });
    expect(topicReplication({ ...auto, replicationFactor: 1 }, 3)).toEqual({
      replicationFactor: 1,
      minInsyncReplicas: 1,
    });
  });

  it('when min.insync is set, then it is used', () => {
    expect(topicReplication({ ...auto, minInsyncReplicas: 3 }, 3)).toEqual({
      replicationFactor: 3,
      minInsyncReplicas: 3,
    });
  });

  it('when the replication factor exceeds the brokers running, then it fails naming the setting', () => {
    expect(() => topicReplication({ ...auto, replicationFactor: 3 }, 1)).toThrow(
      /KAFKA_REPLICATION_FACTOR is 3 .* 1 broker/,
    );
  });

  it('when min.insync exceeds the replication factor, then it fails naming the setting', () => {
    expect(() => topicReplication({ ...auto, minInsyncReplicas: 2 }, 1)).toThrow(/KAFKA_MIN_INSYNC_REPLICAS is 2/);
  });

  it('when the cluster reports no broker, then it fails', () => {
    expect(() => topicReplication(auto, 0)).toThrow(/0 brokers/);
  });
});
