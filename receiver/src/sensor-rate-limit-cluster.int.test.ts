// RECEIVER_SENSOR_RATE_LIMIT on a real Redis Cluster (infra/redis-cluster.sh: 3 masters, 3 replicas on
// 7001-7006): each sensor's bucket is one key, so the script runs on whichever master owns its slot;
// sensors spread over every master keep their own buckets, and a request over several sensors is all
// or nothing across masters too.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Cluster } from 'ioredis';
import { createRedisClient } from '../../shared/src';
import { testConfig } from '../../test/helpers';
import { silentLogger } from '../../test/kafka';
import { createSensorRateLimiter } from './sensor-rate-limit';

const script = path.resolve(__dirname, '..', '..', 'infra', 'redis-cluster.sh');
const available = existsSync(script);
const clusterScript = (...args: string[]) =>
  execFileSync(script, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
/** A cluster answering on the script's ports, whoever started it (another suite may have). */
const clusterAnswers = () => {
  try {
    const [first] = clusterScript('nodes').trim().split(',');
    const [host, port] = first.split(':');
    return /cluster_state:ok/.test(
      execFileSync('redis-cli', ['-h', host, '-p', port, 'cluster', 'info'], { encoding: 'utf8', timeout: 5000 }),
    );
  } catch {
    return false;
  }
};
if (!available) {
  // eslint-disable-next-line no-console -- a skipped suite must say why, in the test output
  console.warn(`rate limit on Redis Cluster: skipped, ${path.relative(process.cwd(), script)} is missing`);
}

(available ? describe : describe.skip)('per-sensor rate limit on a real Redis Cluster', () => {
  let startedCluster = false;
  let redis: Cluster;
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    if (!clusterAnswers()) {
      clusterScript('start');
      startedCluster = true;
    }
    const config = testConfig({ REDIS_CLUSTER_NODES: clusterScript('nodes').trim() });
    redis = createRedisClient(config.redis, silentLogger) as Cluster;
    await redis.connect();
  }, 120_000);

  afterAll(async () => {
    redis?.disconnect();
    if (startedCluster) clusterScript('stop');
  }, 60_000);

  it('when sensors on every master post, then each has its own bucket and a refusal gives the others back', async () => {
    const limiter = createSensorRateLimiter({ redis, keyPrefix: `test-${run}:`, perSecond: 0.1, burst: 2 });
    const sensors = Array.from({ length: 30 }, (_, i) => `rl-${run}-${i}`);
    const slots = new Set(
      await Promise.all(sensors.map(async (s) => Number(await redis.cluster('KEYSLOT', `test-${run}:rate:${s}`)))),
    );
    expect(slots.size).toBeGreaterThan(10);

    expect(await limiter.take(new Map(sensors.map((s) => [s, 1])))).toEqual({ ok: true });
    // sensor 0 spends its last reading; then a request over all sensors is refused for sensor 0 only...
    expect(await limiter.take(new Map([[sensors[0], 1]]))).toEqual({ ok: true });
    const refused = await limiter.take(new Map(sensors.map((s) => [s, 1])));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.refused.map((r) => r.sensorId)).toEqual([sensors[0]]);
    // ...and the other 29 got their reading back: each still has one
    expect(await limiter.take(new Map(sensors.slice(1).map((s) => [s, 1])))).toEqual({ ok: true });
    const empty = await limiter.take(new Map([[sensors[1], 1]]));
    expect(empty.ok).toBe(false);
  });
});
