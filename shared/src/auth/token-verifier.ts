// Presented token → who it belongs to, with a short cache in front of PostgreSQL. A revoked token is
// refused by every instance within the cache's time to live (5 s: the contract allows 10 s), without
// any instance having to hear of the revocation; concurrent checks of one token share one query.
import { sensorPatternMatcher } from './sensor-patterns';
import type { TokenStore } from './token-store';
import { hashToken, type Role, sameHash } from './tokens';

export interface Principal {
  name: string;
  role: Role;
  sensors: readonly string[];
  /** whether a sensor token may post for this sensor (false for every other role) */
  covers(sensorId: string): boolean;
}

export interface TokenVerifier {
  /** The principal of a token, or undefined for a token that is unknown (or revoked). */
  verify(token: string): Promise<Principal | undefined>;
  /** Drops a name's cached entries at once (the instance that revoked it need not wait). */
  forget(name: string): void;
}

/** Revocation is effective in every instance within this time (CONTRACT.md: within 10 s). */
export const TOKEN_CACHE_TTL_MS = 5000;

export function createTokenVerifier(deps: {
  store: Pick<TokenStore, 'findByHash'>;
  ttlMs?: number;
  /** most tokens cached at once; the oldest entry goes first */
  maxEntries?: number;
  now?: () => number;
}): TokenVerifier {
  const ttlMs = deps.ttlMs ?? TOKEN_CACHE_TTL_MS;
  const maxEntries = deps.maxEntries ?? 10_000;
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { principal: Principal; expiresAt: number }>();
  const pending = new Map<string, Promise<Principal | undefined>>();

  const lookUp = async (hash: string): Promise<Principal | undefined> => {
    const row = await deps.store.findByHash(hash);
    // Found through the index on the hash; compared again in constant time so that no code path
    // ever compares secret-derived bytes with an early exit.
    if (!row || !sameHash(row.hash, hash)) return undefined;
    const covers = row.role === 'sensor' ? sensorPatternMatcher(row.sensors) : () => false;
    const principal: Principal = { name: row.name, role: row.role, sensors: row.sensors, covers };
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(hash, { principal, expiresAt: now() + ttlMs });
    return principal;
  };

  return {
    async verify(token) {
      const hash = hashToken(token);
      const cached = cache.get(hash);
      if (cached && cached.expiresAt > now()) return cached.principal;
      if (cached) cache.delete(hash);
      let inFlight = pending.get(hash);
      if (!inFlight) {
        inFlight = lookUp(hash).finally(() => pending.delete(hash));
        pending.set(hash, inFlight);
      }
      return inFlight;
    },
    forget(name) {
      for (const [hash, entry] of cache) if (entry.principal.name === name) cache.delete(hash);
    },
  };
}
