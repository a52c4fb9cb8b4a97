// One POST of a JSON body to a notification target, with a deadline, as an Outcome: a 2xx is
// accepted; anything else (another status, no answer in time, no connection) is a failure to retry.
// The answer's body is always read, so the connection goes back to the pool.
import type { Outcome } from './delivery-retry';
import { parseRetryAfter } from './delivery-retry';
import type { TargetSpec } from './targets';

const DETAIL_CHARS = 200;

export async function postJson(
  target: Pick<TargetSpec, 'url' | 'authorization'>,
  body: unknown,
  timeoutMs: number,
  fetchImpl: typeof fetch = fetch,
): Promise<Outcome> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'metrics-notifier' };
  if (target.authorization) headers.authorization = target.authorization;
  let response: Response;
  let text: string;
  try {
    // One deadline for the whole exchange, answer body included: a target that sends headers and
    // then stalls is as slow as one that never answers.
    const signal = AbortSignal.timeout(timeoutMs);
    response = await fetchImpl(target.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal,
      redirect: 'error',
    });
    text = await response.text();
  } catch (err) {
    const name = (err as Error).name;
    return {
      accepted: false,
      reason: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'connection',
      detail: String((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message).slice(
        0,
        DETAIL_CHARS,
      ),
    };
  }
  if (response.status >= 200 && response.status < 300) return { accepted: true, status: response.status };
  return {
    accepted: false,
    reason: `http_${response.status}`,
    status: response.status,
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()),
    detail: text.slice(0, DETAIL_CHARS),
  };
}
