// Failed token checks per client address: a token bucket of `perMinute` failures, refilled steadily.
// An address with an empty bucket is refused (429) before its token is even looked at, so tokens
// cannot be guessed at speed, and a flood of wrong tokens does not reach PostgreSQL. Pure (the clock
// is an argument).
//
// Kept in each instance's memory, deliberately (the project otherwise keeps no state in a process
// that another instance would need): it is a brake, not a ledger. N instances let an address make N
// times the failures, and a restart forgets them; against a 128-bit secret either changes nothing,
// while a shared store would put Redis on the path of every refused request.

export interface FailedCheckLimiter {
  /** seconds to wait when `address` may not try now; 0 when it may */
  blockedFor(address: string): number;
  /** records a failed check of `address` */
  failed(address: string): void;
}

export function createFailedCheckLimiter(options: {
  perMinute: number;
  /** most addresses remembered; the oldest is forgotten first */
  maxAddresses?: number;
  now?: () => number;
}): FailedCheckLimiter {
  const { perMinute } = options;
  const maxAddresses = options.maxAddresses ?? 100_000;
  const now = options.now ?? Date.now;
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  const current = (address: string) => {
    const bucket = buckets.get(address);
    if (!bucket) return perMinute;
    return Math.min(perMinute, bucket.tokens + (now() - bucket.at) * perMs);
  };

  return {
    blockedFor(address) {
      if (perMinute === 0) return 0;
      const tokens = current(address);
      return tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
    },
    failed(address) {
      if (perMinute === 0) return;
      const tokens = Math.max(0, current(address) - 1);
      buckets.delete(address); // re-inserted last: the Map's order is the eviction order
      if (buckets.size >= maxAddresses) buckets.delete(buckets.keys().next().value as string);
      buckets.set(address, { tokens, at: now() });
    },
  };
}
