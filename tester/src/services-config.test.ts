import path from 'node:path';
import { ConfigError, envName, loadServicesConfig, resolveServicesConfig } from './services-config';

const file = {
  receiver: { host: '127.0.0.1', port: 8080 },
  assessor: { host: '127.0.0.1', port: 8081 },
  kafka: { brokers: ['127.0.0.1:9092'], topics: { readings: 'metrics.readings', events: 'metrics.events' } },
  redis: { host: '127.0.0.1', port: 6379, keyPrefix: 'metrics:' },
  postgres: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'metrics' },
};

describe('services configuration', () => {
  it('when the file is complete, then it is the configuration, with defaults for the optional settings', () => {
    expect(resolveServicesConfig(file, {})).toEqual({
      ...file,
      postgres: { ...file.postgres, password: '' },
      operatorToken: '',
      timeoutMs: 30000,
      testTimeoutMs: 180000,
      logLevel: 'warn',
    });
  });

  it('names environment variables after the setting path', () => {
    expect(envName(['receiver', 'port'])).toBe('TESTER_RECEIVER_PORT');
    expect(envName(['redis', 'keyPrefix'])).toBe('TESTER_REDIS_KEY_PREFIX');
    expect(envName(['kafka', 'topics', 'readings'])).toBe('TESTER_KAFKA_TOPICS_READINGS');
    expect(envName(['operatorToken'])).toBe('TESTER_OPERATOR_TOKEN');
  });

  it('when environment variables are set, then they win over the file', () => {
    const config = resolveServicesConfig(file, {
      TESTER_RECEIVER_PORT: '18080',
      TESTER_KAFKA_BROKERS: 'k1:9092, k2:9092',
      TESTER_REDIS_KEY_PREFIX: 'test:',
      TESTER_TIMEOUT_MS: '5000',
      TESTER_POSTGRES_PASSWORD: 'secret',
      TESTER_OPERATOR_TOKEN: 'an-operator-token-of-43-characters-xxxxxxxx',
    });
    expect(config.operatorToken).toBe('an-operator-token-of-43-characters-xxxxxxxx');
    expect(config.receiver.port).toBe(18080);
    expect(config.kafka.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.redis.keyPrefix).toBe('test:');
    expect(config.timeoutMs).toBe(5000);
    expect(config.postgres.password).toBe('secret');
  });

  it('when an environment variable is empty, then the file value stays', () => {
    expect(resolveServicesConfig(file, { TESTER_RECEIVER_HOST: '' }).receiver.host).toBe('127.0.0.1');
  });

  it('when values are wrong or missing, then one error names every problem', () => {
    const broken = { ...file, receiver: { host: 'h', port: 70000 }, assessor: { port: 8081 }, extra: 1 };
    let error: unknown;
    try {
      resolveServicesConfig(broken, { TESTER_REDIS_PORT: 'six' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('unknown setting extra');
    expect(message).toContain('receiver.port: must be a port number from 1 to 65535');
    expect(message).toContain('assessor.host is missing (set it in the file or with TESTER_ASSESSOR_HOST)');
    expect(message).toContain('TESTER_REDIS_PORT="six": must be a port number');
  });

  it('when a nested key is misspelled, then it is reported with its path', () => {
    expect(() => resolveServicesConfig({ ...file, kafka: { ...file.kafka, topic: {} } }, {})).toThrow(
      'unknown setting kafka.topic',
    );
  });

  it('when the file is not a mapping, then it is refused', () => {
    expect(() => resolveServicesConfig(['a'], {})).toThrow('must hold a YAML mapping');
  });

  it('when the shipped services.yml is read, then it is valid and points at the default ports', () => {
    const config = loadServicesConfig(path.resolve(__dirname, '../resources/services.yml'), {});
    expect(config.receiver).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.assessor).toEqual({ host: '127.0.0.1', port: 8081 });
    expect(config.kafka.topics).toEqual({ readings: 'metrics.readings', events: 'metrics.events' });
    expect(config.redis.keyPrefix).toBe('metrics:');
    expect(config.postgres.database).toBe('metrics');
  });

  it('when the file does not exist, then the error names it', () => {
    expect(() => loadServicesConfig('/nonexistent/services.yml', {})).toThrow(
      'cannot read the configuration file /nonexistent/services.yml',
    );
  });
});
