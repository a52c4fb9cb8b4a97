// Redis client. Commands fail fast while Redis is down (rather than queueing without bound) so the
// processor's retry loop, not the client, decides what happens; the client keeps reconnecting.
import Redis, { Cluster } from 'ioredis';
import type { RedisConfig } from './config';
import type { Logger } from './logger';

/** A single Redis or a Redis Cluster: the processor runs on either. */
export type RedisClient = Redis | Cluster;

export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 2,
    connectTimeout: 3000,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    lazyConnect: true,
  });
  logConnection(redis, logger);
  return redis;
}

/**
 * The Cluster client when the configuration names cluster nodes, else the single client of `url`.
 * Cluster: the processor's keys carry their own hash tags (no ioredis keyPrefix, which would be
 * prepended outside them); reads go to masters (the default scaleReads), since the outbox drain must
 * see what the script just wrote; user and password come from `url`.
 */
export function createRedisClient(config: RedisConfig, logger: Logger): RedisClient {
  const nodes = config.clusterNodes.map((n) => n.trim()).filter(Boolean);
  if (nodes.length === 0) return createRedis(config.url, logger);
  const url = new URL(config.url);
  const cluster = new Cluster(
    nodes.map((node) => {
      const [host, port] = splitHostPort(node);
      return { host, port };
    }),
    {
      lazyConnect: true,
      enableOfflineQueue: true,
      scaleReads: 'master',
      // besides the refresh a MOVED or a closed connection triggers: a failover seen within 5 s
      slotsRefreshInterval: 5000,
      clusterRetryStrategy: (attempt) => Math.min(100 * attempt, 2000),
      redisOptions: {
        maxRetriesPerRequest: 2,
        connectTimeout: 3000,
        username: decodeURIComponent(url.username) || undefined,
        password: decodeURIComponent(url.password) || undefined,
      },
    },
  );
  logConnection(cluster, logger);
  cluster.on('+node', (node: Redis) =>
    logger.debug({ node: `${node.options.host}:${node.options.port}` }, 'Redis node'),
  );
  return cluster;
}

function splitHostPort(node: string): [string, number] {
  const at = node.lastIndexOf(':');
  const port = Number(node.slice(at + 1));
  if (at < 1 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`Redis Cluster node "${node}" must be host:port`);
  }
  return [node.slice(0, at).replace(/^\[|\]$/g, ''), port];
}

function logConnection(redis: RedisClient, logger: Logger): void {
  let wasReady = false;
  redis.on('ready', () => {
    if (wasReady) logger.info('Redis reconnected');
    wasReady = true;
  });
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'Redis connection error'));
}
