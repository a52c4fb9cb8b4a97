// RECEIVER_SENSOR_RATE_LIMIT: readings per second per sensor, a token bucket per sensor in Redis so
// that every receiver instance draws on the same bucket (no state in one process that another would
// need). One single-key Lua script per sensor: it refills and takes atomically, with Redis's own
// clock (receivers' clocks may differ), and each call touches one key, so it runs on Redis Cluster as
// it does on one server. A flooding sensor empties only its own bucket: its requests are refused
// after one round trip, before anything is published, and the other sensors' buckets are untouched.
import type { Result } from 'ioredis';
import type { RedisClient } from '../../shared/src';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    takeSensorReadings(key: string, perMs: string, burst: string, n: string): Result<[number, number], Context>;
  }
}

/**
 * KEYS[1] the sensor's bucket, a hash {tokens, at}; ARGV: the rate per ms, the burst (bucket size), the
 * readings to take (a negative number gives them back). Returns {1, 0} when taken, {0, ms to wait}
 * when not (nothing is taken then). The key expires once the bucket would be full again anyway.
 */
export const TAKE_SENSOR_READINGS_LUA = `
local perMs = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
if now > at then
  tokens = math.min(burst, tokens + (now - at) * perMs)
  at = now
end
local result = {1, 0}
if n > tokens then
  result = {0, math.ceil((n - tokens) / perMs)}
else
  tokens = math.min(burst, tokens - n)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / perMs) + 1000)
return result
`;

export interface RateRefusal {
  sensorId: string;
  message: string;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number; refused: RateRefusal[] };

export interface SensorRateLimiter {
  /** Takes `n` readings from each sensor's bucket, all or none: when one is refused, the others get theirs back. */
  take(counts: ReadonlyMap<string, number>): Promise<RateDecision>;
}

/** RECEIVER_SENSOR_RATE_BURST 0 means one second of the rate (at least one reading). Pure. */
export function effectiveBurst(perSecond: number, burst: number): number {
  return burst > 0 ? burst : Math.max(1, Math.ceil(perSecond));
}

export function createSensorRateLimiter(deps: {
  /** a single Redis or a Redis Cluster (REDIS_CLUSTER_NODES) */
  redis: RedisClient;
  keyPrefix: string;
  perSecond: number;
  burst: number;
}): SensorRateLimiter {
  const { redis, perSecond } = deps;
  const burst = effectiveBurst(perSecond, deps.burst);
  const perMs = String(perSecond / 1000);
  redis.defineCommand('takeSensorReadings', { numberOfKeys: 1, lua: TAKE_SENSOR_READINGS_LUA });
  const key = (sensorId: string) => `${deps.keyPrefix}rate:${sensorId}`;
  const call = (sensorId: string, n: number) =>
    redis.takeSensorReadings(key(sensorId), perMs, String(burst), String(n));
  const rate = `${perSecond} readings/s (burst ${burst})`;

  return {
    async take(counts) {
      const refused: RateRefusal[] = [];
      const wanted = [...counts].filter(([sensorId, n]) => {
        if (n <= burst) return true;
        refused.push({
          sensorId,
          message: `${n} readings for this sensor in one request are more than its burst of ${burst}; send fewer at a time`,
        });
        return false;
      });
      if (refused.length) return { ok: false, retryAfterSeconds: Math.ceil(burst / perSecond), refused };
      const answers = await Promise.all(wanted.map(([sensorId, n]) => call(sensorId, n)));
      let waitMs = 0;
      answers.forEach(([taken, wait], i) => {
        if (taken) return;
        waitMs = Math.max(waitMs, wait);
        refused.push({ sensorId: wanted[i][0], message: `the sensor is over its rate limit of ${rate}` });
      });
      if (refused.length === 0) return { ok: true };
      // all or nothing, as the request: the buckets that gave their readings get them back
      await Promise.all(wanted.filter((_, i) => answers[i][0]).map(([sensorId, n]) => call(sensorId, -n)));
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), refused };
    },
  };
}
