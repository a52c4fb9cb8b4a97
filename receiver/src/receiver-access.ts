// Who may post what, and how fast (README "Access"): before a request's body is read, a token in the
// URL is a 400 and, with RECEIVER_AUTH=on, a missing or unknown token a 401; once the readings are
// validated, a sensor the token does not cover is a 403 and a sensor over RECEIVER_SENSOR_RATE_LIMIT a
// 429. Every refusal comes before anything is published: nothing is written.
import type { RequestHandler, Response } from 'express';
import {
  type Access,
  AppError,
  assertNoQueryToken,
  type Config,
  createAccess,
  createFailedCheckLimiter,
  createPool,
  createRedisClient,
  createTokenStore,
  createTokenVerifier,
  type FieldError,
  type Lifecycle,
  type Logger,
  migrateWhenReady,
  principalOf,
  type ReadinessCheck,
} from '../../shared/src';
import { createSensorRateLimiter, type SensorRateLimiter } from './sensor-rate-limit';

/** Most sensors named in one 403 or 429 answer (a batch may hold thousands). */
const MAX_LISTED = 100;
/** Longest wait for Redis's answer on the rate limit before the request gets a 503. */
const RATE_LIMIT_TIMEOUT_MS = 1000;

export interface ReceiverAccess {
  /** mounted before the routes: runs before any body is read */
  guard: RequestHandler;
  /**
   * after validation: throws the 403 or 429 AppError of a request that may not be written; with
   * rateLimit false (log lines), only the token is checked
   */
  admit(res: Response, readings: ReadonlyArray<{ sensorId: string }>, options?: { rateLimit?: boolean }): Promise<void>;
}

export function createReceiverAccess(deps: {
  auth: 'off' | 'on';
  /** required when auth is on; its rejectQueryTokens is used either way */
  access: Access;
  rateLimiter?: SensorRateLimiter;
}): ReceiverAccess {
  const { access, rateLimiter } = deps;
  const authOn = deps.auth === 'on';

  const listed = (details: FieldError[]): FieldError[] =>
    details.length <= MAX_LISTED
      ? details
      : [
          ...details.slice(0, MAX_LISTED),
          { field: 'sensorId', message: `and ${details.length - MAX_LISTED} more sensors` },
        ];

  const authorize = (res: Response, sensors: Iterable<string>) => {
    const principal = principalOf(res);
    if (!principal) throw new AppError('UNAUTHORIZED', [{ field: 'authorization', message: 'a token is required' }]);
    if (principal.role !== 'sensor') {
      throw new AppError('FORBIDDEN', [
        { field: 'authorization', message: `posting readings needs a sensor token; this one is ${principal.role}` },
      ]);
    }
    const outside = [...sensors].filter((s) => !principal.covers(s));
    if (outside.length) {
      throw new AppError(
        'FORBIDDEN',
        listed(outside.map((s) => ({ field: 'sensorId', message: `this token may not post for sensor "${s}"` }))),
      );
    }
  };

  const limit = async (counts: Map<string, number>) => {
    if (!rateLimiter) return;
    let timer: NodeJS.Timeout | undefined;
    const decision = await Promise.race([
      rateLimiter.take(counts),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer from Redis in ${RATE_LIMIT_TIMEOUT_MS} ms`)),
          RATE_LIMIT_TIMEOUT_MS,
        );
      }),
    ])
      .catch((err: unknown) => {
        throw new AppError(
          'DEPENDENCY_UNAVAILABLE',
          [{ field: 'service', message: 'Redis (the rate limit) is unavailable; retry later' }],
          { cause: err },
        );
      })
      .finally(() => clearTimeout(timer));
    if (!decision.ok) {
      throw new AppError(
        'RATE_LIMITED',
        listed(decision.refused.map((r) => ({ field: 'sensorId', message: `sensor "${r.sensorId}": ${r.message}` }))),
        { retryAfterSeconds: decision.retryAfterSeconds },
      );
    }
  };

  return {
    async guard(req, res, next) {
      assertNoQueryToken(req);
      if (authOn && req.path.startsWith('/api/')) await access.identify(req, res);
      next();
    },
    async admit(res, readings, options = {}) {
      const rateLimited = options.rateLimit !== false && rateLimiter !== undefined;
      if (!authOn && !rateLimited) return;
      const counts = new Map<string, number>();
      for (const r of readings) counts.set(r.sensorId, (counts.get(r.sensorId) ?? 0) + 1);
      if (authOn) authorize(res, counts.keys());
      if (rateLimited) await limit(counts);
    },
  };
}

/**
 * The receiver's access control as configured: PostgreSQL (migrated) for the tokens when
 * RECEIVER_AUTH=on, Redis for the buckets when RECEIVER_SENSOR_RATE_LIMIT > 0; with the defaults,
 * neither is opened. Each resource is closed by the lifecycle; `checks` join the receiver's /ready.
 */
export async function openReceiverAccess(
  config: Config,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<{ access: ReceiverAccess; checks: Record<string, ReadinessCheck> }> {
  const checks: Record<string, ReadinessCheck> = {};
  let verifier = createTokenVerifier({ store: { findByHash: async () => undefined } });
  if (config.receiver.auth === 'on') {
    const pool = createPool({ ...config.postgres, poolSize: Math.min(config.postgres.poolSize, 4) }, logger);
    lifecycle.onShutdown('postgres pool', () => pool.end());
    await migrateWhenReady(pool, logger, lifecycle);
    verifier = createTokenVerifier({ store: createTokenStore(pool) });
    checks.postgres = () => pool.query('SELECT 1');
  }
  let rateLimiter: SensorRateLimiter | undefined;
  if (config.receiver.sensorRateLimit > 0) {
    const redis = createRedisClient(config.redis, logger);
    await redis.connect();
    lifecycle.onShutdown('redis', () => redis.quit());
    rateLimiter = createSensorRateLimiter({
      redis,
      keyPrefix: config.redis.keyPrefix,
      perSecond: config.receiver.sensorRateLimit,
      burst: config.receiver.sensorRateBurst,
    });
    checks.redis = () => redis.ping();
  }
  const access = createAccess({
    verifier,
    limiter: createFailedCheckLimiter({ perMinute: config.auth.failedChecksPerMinute }),
  });
  return { access: createReceiverAccess({ auth: config.receiver.auth, access, rateLimiter }), checks };
}
