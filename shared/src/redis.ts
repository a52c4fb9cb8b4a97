// Redis client. Commands fail fast while Redis is down (rather than queueing without bound) so the
// processor's retry loop, not the client, decides what happens; the client keeps reconnecting.
import Redis from 'ioredis';
import type { Logger } from './logger';

export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 2,
    connectTimeout: 3000,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    lazyConnect: true,
  });
  let wasReady = false;
  redis.on('ready', () => {
    if (wasReady) logger.info('Redis reconnected');
    wasReady = true;
  });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'Redis connection error'));
  return redis;
}
