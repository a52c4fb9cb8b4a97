// A dependency of the tests (a service, Kafka, Redis, PostgreSQL) cannot be reached or is set up in a
// way waiting cannot fix. waitFor gives up at once on it, so a test against a stack that is not running
// fails in seconds with the reason, instead of timing out.
export class DependencyError extends Error {
  override readonly name = 'DependencyError';
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** The network error code (ECONNREFUSED...) of an error or of its causes, when there is one. */
export function connectionErrorCode(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; errors?: unknown[]; cause?: unknown };
    if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return e.code;
    // AggregateError of net.connect when localhost resolves to several addresses
    for (const inner of Array.isArray(e.errors) ? e.errors : []) {
      const code = connectionErrorCode(inner);
      if (code) return code;
    }
    current = e.cause;
  }
  return undefined;
}
