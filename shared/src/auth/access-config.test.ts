// The access settings of config.ts: defaults keep the original's open behaviour, bad values stop the start.
import { loadConfig } from '../config';

describe('access settings', () => {
  it('default to open reads and posts, no rate limit, no CORS, a generated admin token', () => {
    const config = loadConfig({});
    expect(config.receiver.auth).toBe('off');
    expect(config.assessor.auth).toBe('off');
    expect(config.receiver.sensorRateLimit).toBe(0);
    expect(config.assessor.corsOrigins).toEqual([]);
    expect(config.auth.adminToken).toBe('');
    expect(config.stateDir).toBe('.run');
  });

  it('take their values from the environment', () => {
    const config = loadConfig({
      RECEIVER_AUTH: 'on',
      ASSESSOR_AUTH: 'on',
      RECEIVER_SENSOR_RATE_LIMIT: '0.5',
      RECEIVER_SENSOR_RATE_BURST: '10',
      ASSESSOR_CORS_ORIGINS: 'https://ops.example.com, http://127.0.0.1:3000',
      METRICS_ADMIN_TOKEN: 'a'.repeat(22),
      AUTH_FAILED_CHECKS_PER_MINUTE: '0',
      METRICS_STATE_DIR: '/var/lib/metrics',
    });
    expect(config.receiver.auth).toBe('on');
    expect(config.assessor.auth).toBe('on');
    expect(config.receiver.sensorRateLimit).toBe(0.5);
    expect(config.receiver.sensorRateBurst).toBe(10);
    expect(config.assessor.corsOrigins).toEqual(['https://ops.example.com', 'http://127.0.0.1:3000']);
    expect(config.auth.failedChecksPerMinute).toBe(0);
    expect(config.stateDir).toBe('/var/lib/metrics');
  });

  it.each([
    [{ RECEIVER_AUTH: 'yes' }, /receiver.auth/],
    [{ ASSESSOR_AUTH: 'true' }, /assessor.auth/],
    [{ RECEIVER_SENSOR_RATE_LIMIT: '-1' }, /sensorRateLimit/],
    [{ RECEIVER_SENSOR_RATE_LIMIT: 'fast' }, /sensorRateLimit/],
    [{ METRICS_ADMIN_TOKEN: 'short' }, /METRICS_ADMIN_TOKEN/],
    [{ METRICS_ADMIN_TOKEN: `${'a'.repeat(22)} b` }, /METRICS_ADMIN_TOKEN/],
    [{ ASSESSOR_CORS_ORIGINS: 'https://ops.example.com/dashboard' }, /ASSESSOR_CORS_ORIGINS/],
    [{ ASSESSOR_CORS_ORIGINS: '*' }, /ASSESSOR_CORS_ORIGINS/],
  ])('refuse %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never show the admin token in an error', () => {
    const secret = `${'s'.repeat(30)}!`;
    expect(() => loadConfig({ METRICS_ADMIN_TOKEN: secret })).toThrow();
    try {
      loadConfig({ METRICS_ADMIN_TOKEN: secret });
    } catch (err) {
      expect(String(err)).not.toContain(secret);
    }
  });
});
