import { describeSettings, loadConfig, redisWaitReplicas } from './config';

describe('loadConfig', () => {
  it('when nothing is set, then the defaults are the original deployment ports and rule', () => {
    const config = loadConfig({});
    expect(config.receiver.port).toBe(8080);
    expect(config.assessor.port).toBe(8081);
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.processor.rules).toEqual([
      {
        kind: 'threshold',
        name: 'temperature',
        metric: 'temperature',
        comparison: '>=',
        threshold: 95,
        warningsForEvent: 3,
        type: 'TEMPERATURE_EXCEEDED',
        severity: 'major',
        sensors: [],
        clearThreshold: 95,
        clearAfter: 1,
      },
    ]);
  });

  it('when environment variables are set, then they are parsed into typed values', () => {
    const config = loadConfig({
      KAFKA_BROKERS: '10.0.0.1:9092, 10.0.0.2:9092',
      RECEIVER_PORT: '9000',
      PROCESSOR_RULES: '[{"metric":"humidity","comparison":"<","threshold":10,"warningsForEvent":2}]',
    });
    expect(config.kafka.brokers).toEqual(['10.0.0.1:9092', '10.0.0.2:9092']);
    expect(config.receiver.port).toBe(9000);
    expect(config.processor.rules).toMatchObject([
      { name: 'humidity', metric: 'humidity', comparison: '<', threshold: 10, warningsForEvent: 2 },
    ]);
  });

  it('when a value is invalid, then loading fails naming the setting', () => {
    expect(() => loadConfig({ RECEIVER_PORT: '70000' })).toThrow(/receiver.port/);
    expect(() => loadConfig({ PROCESSOR_RULES: '[{"metric":"x"}]' })).toThrow(/threshold must be a finite number/);
    expect(() =>
      loadConfig({ PROCESSOR_RULES: '[{"metric":"t","threshold":1},{"metric":"t","threshold":2}]' }),
    ).toThrow(/"t" is the name of rules\[0\] already/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/log.level/);
    expect(() => loadConfig({ RECEIVER_OLDEST_READING_AT: 'yesterday' })).toThrow(/RECEIVER_OLDEST_READING_AT/);
  });

  it('returns a frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config.kafka)).toBe(true);
    expect(Object.isFrozen(config.processor.rules[0])).toBe(true);
  });
});

describe('describeSettings', () => {
  it('lists every setting with a doc and a distinct environment variable', () => {
    const rows = describeSettings();
    expect(rows.length).toBeGreaterThan(30);
    for (const row of rows) {
      expect(row.doc.length).toBeGreaterThan(10);
      expect(row.env).toMatch(/^[A-Z][A-Z0-9_]+$/);
    }
    expect(new Set(rows.map((r) => r.env)).size).toBe(rows.length);
  });
});

describe('Redis settings', () => {
  it('when no cluster nodes are named (or the variable is empty), then the processor waits for no replica; on a cluster for one', () => {
    expect(redisWaitReplicas(loadConfig({}))).toBe(0);
    const empty = loadConfig({ REDIS_CLUSTER_NODES: '' });
    expect([empty.redis.clusterNodes, redisWaitReplicas(empty)]).toEqual([[], 0]);
    const cluster = loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7001, 127.0.0.1:7002' });
    expect([cluster.redis.clusterNodes, redisWaitReplicas(cluster)]).toEqual([['127.0.0.1:7001', '127.0.0.1:7002'], 1]);
    expect(redisWaitReplicas(loadConfig({ PROCESSOR_REDIS_WAIT_REPLICAS: '2' }))).toBe(2);
  });

  it('when the wait or the key prefix is malformed, then loading fails', () => {
    expect(() => loadConfig({ PROCESSOR_REDIS_WAIT_REPLICAS: 'some' })).toThrow(/auto or an integer/);
    expect(() => loadConfig({ REDIS_KEY_PREFIX: 'm{x}:' })).toThrow(/without \{ or \}/);
  });
});
