import { reportedSettings, serviceEnvironment } from './service-environment';

const names = {
  readingsTopic: 'bench-x-e2e.readings',
  eventsTopic: 'bench-x-e2e.events',
  deadLetterTopic: 'bench-x-e2e.dead-letter',
  processorGroup: 'bench-x-e2e-processor',
  saverGroup: 'bench-x-e2e-saver',
  redisKeyPrefix: 'bench-x-e2e:',
};
const SETTINGS = [
  'LOG_LEVEL',
  'KAFKA_BROKERS',
  'KAFKA_READINGS_TOPIC',
  'DATABASE_URL',
  'SAVER_BATCH_SIZE',
  'SAVER_GROUP_ID',
  'REDIS_URL',
];

describe('service-environment', () => {
  it('when nothing is set, then the bench names and LOG_LEVEL=warn are used', () => {
    const env = serviceEnvironment(names, 'postgres://h/metrics_bench', {}, SETTINGS);
    expect(env).toMatchObject({
      LOG_LEVEL: 'warn',
      KAFKA_READINGS_TOPIC: 'bench-x-e2e.readings',
      SAVER_GROUP_ID: 'bench-x-e2e-saver',
      REDIS_KEY_PREFIX: 'bench-x-e2e:',
      DATABASE_URL: 'postgres://h/metrics_bench',
      KAFKA_ALARMS_TOPIC: 'bench-x-e2e.alarms',
      KAFKA_RULES_TOPIC: 'bench-x-e2e.rules',
      KAFKA_LOGS_TOPIC: 'bench-x-e2e.logs',
    });
    expect(env.SAVER_BATCH_SIZE).toBeUndefined();
  });

  it('when a tuning is exported, then it wins; names and the database never come from the environment', () => {
    const processEnv = {
      SAVER_BATCH_SIZE: '10000',
      LOG_LEVEL: 'info',
      KAFKA_READINGS_TOPIC: 'metrics.readings',
      KAFKA_RULES_TOPIC: 'metrics.rules',
      DATABASE_URL: 'postgres://h/metrics',
    };
    const env = serviceEnvironment(names, 'postgres://h/metrics_bench', processEnv, SETTINGS);
    expect(env.SAVER_BATCH_SIZE).toBe('10000');
    expect(env.LOG_LEVEL).toBe('info');
    expect(env.KAFKA_READINGS_TOPIC).toBe('bench-x-e2e.readings');
    expect(env.KAFKA_RULES_TOPIC).toBe('bench-x-e2e.rules');
    expect(env.DATABASE_URL).toBe('postgres://h/metrics_bench');
  });

  it('when reporting, then tunings from the environment are listed and locations are not', () => {
    const shown = reportedSettings({ SAVER_BATCH_SIZE: '10000', KAFKA_BROKERS: 'h:9092' }, SETTINGS, 'metrics_bench');
    expect(shown.SAVER_BATCH_SIZE).toBe('10000 (from the environment)');
    expect(shown.KAFKA_BROKERS).toBeUndefined();
    expect(shown.LOG_LEVEL).toMatch(/^warn: /);
    expect(reportedSettings({}, SETTINGS, 'metrics_bench')['everything else']).toContain('defaults');
  });
});
