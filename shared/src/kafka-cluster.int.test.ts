// ensurePipelineTopics on the local 3-broker cluster: the topics get 3 replicas and min.insync.replicas 2,
// and every broker knows them when it returns (a consumer may subscribe through any of them).
import { ConfigResourceTypes } from 'kafkajs';
import { testConfig } from '../../test/helpers';
import { silentLogger } from '../../test/kafka';
import { CLUSTER_START_TIMEOUT_MS, localKafkaCluster } from '../../test/kafka-cluster';
import { createKafka, ensurePipelineTopics, pipelineTopics } from './kafka';

describe('ensurePipelineTopics on a 3-broker cluster', () => {
  let brokers: string;
  beforeAll(async () => {
    brokers = (await localKafkaCluster()).brokers;
  }, CLUSTER_START_TIMEOUT_MS);

  it('when the replication settings are auto, then every broker knows every partition with 3 replicas in sync, and each topic has min.insync.replicas 2', async () => {
    const config = testConfig({ KAFKA_BROKERS: brokers });
    const specs = pipelineTopics(config.kafka);
    const topics = specs.map((t) => t.topic);
    const admin = createKafka(config.kafka, 'test', silentLogger).admin();
    // one client per broker, without retries: what each broker answers right after ensurePipelineTopics
    const perBroker = brokers
      .split(',')
      .map((b) =>
        createKafka({ ...config.kafka, brokers: [b] }, 'test', silentLogger).admin({ retry: { retries: 0 } }),
      );
    await Promise.all([admin, ...perBroker].map((a) => a.connect()));
    try {
      await ensurePipelineTopics(admin, config.kafka, silentLogger);
      for (const one of perBroker) {
        const metadata = await one.fetchTopicMetadata({ topics });
        expect(metadata.topics.map((t) => t.name).sort()).toEqual([...topics].sort());
        for (const t of metadata.topics) {
          // each topic its own count: the compacted rules topic has one partition
          expect(t.partitions).toHaveLength(specs.find((spec) => spec.topic === t.name)!.numPartitions);
          for (const p of t.partitions) {
            expect(p.leader).toBeGreaterThanOrEqual(0);
            expect(p.replicas).toHaveLength(3);
            expect(p.isr).toHaveLength(3);
          }
        }
      }
      const described = await admin.describeConfigs({
        resources: topics.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['min.insync.replicas'],
        })),
        includeSynonyms: false,
      });
      expect(
        described.resources.map((r) => [r.resourceName, r.configEntries.map((e) => [e.configName, e.configValue])]),
      ).toEqual(expect.arrayContaining(topics.map((name) => [name, [['min.insync.replicas', '2']]])));
      expect(described.resources).toHaveLength(topics.length);
    } finally {
      await Promise.all([admin, ...perBroker].map((a) => a.disconnect()));
    }
  });
});
