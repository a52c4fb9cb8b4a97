import { testConfig } from '../../test/helpers';
import { silentLogger } from '../../test/kafka';
import { createKafka, ensureTopics, pipelineTopics } from './kafka';

describe('ensureTopics on a real broker', () => {
  it('when several services ensure the same topics at once, then they exist once with the configured partitions', async () => {
    const config = testConfig({ KAFKA_PARTITIONS: '4' });
    const kafka = createKafka(config.kafka, 'test', silentLogger);
    const admins = [kafka.admin(), kafka.admin(), kafka.admin()];
    await Promise.all(admins.map((a) => a.connect()));
    try {
      await Promise.all(admins.map((a) => ensureTopics(a, pipelineTopics(config.kafka), silentLogger)));
      await ensureTopics(admins[0], pipelineTopics(config.kafka), silentLogger);
      const metadata = await admins[0].fetchTopicMetadata({
        topics: [config.kafka.readingsTopic, config.kafka.eventsTopic, config.kafka.deadLetterTopic],
      });
      expect(metadata.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual(
        [
          [config.kafka.deadLetterTopic, 4],
          [config.kafka.eventsTopic, 4],
          [config.kafka.readingsTopic, 4],
        ].sort(),
      );
    } finally {
      await Promise.all(admins.map((a) => a.disconnect()));
    }
  });
});
