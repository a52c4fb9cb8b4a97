// Delivering one notification until its target accepts it (a 2xx): exponential backoff with jitter
// between attempts (shared/src/retry.ts's backoffMs), stretched to a Retry-After the target asked for,
// capped. It gives up only when told to stop (shutdown, a lost partition): the caller then leaves the
// offset uncommitted, so the notification comes again. The clock is injected: pure apart from it.
import { backoffMs } from '../../shared/src';

export type Outcome =
  | { accepted: true; status: number }
  | {
      accepted: false;
      /** for logs and metrics labels: `http_<status>`, `timeout` or `connection` */
      reason: string;
      status?: number;
      /** a Retry-After the target sent, in ms */
      retryAfterMs?: number;
      /** the start of the target's answer, for the log */
      detail?: string;
    };

export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
  /** false: stop retrying (the notification is not delivered) */
  shouldContinue: () => boolean;
  /** waits ms; may end early when the caller stops */
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  onFailure?: (outcome: Outcome & { accepted: false }, attempt: number, waitMs: number) => void;
}

/** The wait before attempt `attempt + 1`, in ms. */
export function retryWaitMs(
  attempt: number,
  outcome: { retryAfterMs?: number },
  policy: Pick<RetryPolicy, 'initialMs' | 'maxMs' | 'random'>,
): number {
  const wait = backoffMs(attempt, policy.initialMs, policy.maxMs, policy.random);
  return Math.min(policy.maxMs, Math.max(wait, outcome.retryAfterMs ?? 0));
}

/** Resolves with the number of attempts once one is accepted, or with undefined when told to stop first. */
export async function deliverUntilAccepted(
  attempt: () => Promise<Outcome>,
  policy: RetryPolicy,
): Promise<number | undefined> {
  for (let n = 1; ; n++) {
    if (!policy.shouldContinue()) return undefined;
    const outcome = await attempt();
    if (outcome.accepted) return n;
    const waitMs = retryWaitMs(n, outcome, policy);
    policy.onFailure?.(outcome, n, waitMs);
    if (!policy.shouldContinue()) return undefined;
    await policy.sleep(waitMs);
  }
}

/** Retry-After as seconds or an HTTP date → ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
