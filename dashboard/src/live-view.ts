// The live/polling indicator of a view, and the fallback it stands for: while the stream is not
// available the view polls instead, and says so (never a silently stale page).
import { h, replace } from './dom';
import { type LiveState, openStream } from './live';
import type { PageContext } from './page';
import type { SseMessage } from './sse';

export const POLL_MS = 10_000;

export interface LiveBadge {
  el: HTMLElement;
  set(state: LiveState | 'polling' | 'off', detail?: string): void;
}

const TEXT: Record<LiveState | 'polling' | 'off', string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  unavailable: 'no live stream',
  refused: 'live stream refused',
  polling: `refreshing every ${POLL_MS / 1000} s`,
  off: 'not live (fixed range)',
};

export function liveBadge(): LiveBadge {
  const el = h('span', { class: 'live', attrs: { role: 'status', 'aria-live': 'polite' } });
  return {
    el,
    set(state, detail) {
      el.dataset.state = state;
      el.title = detail ?? '';
      replace(
        el,
        h('span', { class: 'icon', attrs: { 'aria-hidden': 'true' } }, state === 'live' ? '●' : '○'),
        TEXT[state],
      );
    },
  };
}

/**
 * Follows the stream for a view, showing its state in `badge`; when the server has no stream (or
 * refuses it), calls `poll` every POLL_MS instead. Everything stops when the view is left.
 */
export function followLive(
  ctx: PageContext,
  badge: LiveBadge,
  options: { sensorIds?: readonly string[]; onMessage: (message: SseMessage, data: unknown) => void; poll: () => void },
): void {
  let timer: ReturnType<typeof setInterval> | undefined;
  const stream = openStream({
    sensorIds: options.sensorIds,
    onMessage: options.onMessage,
    onState: (state, detail) => {
      if (state === 'unavailable' || state === 'refused') {
        badge.set('polling', detail);
        timer ??= setInterval(options.poll, POLL_MS);
      } else {
        badge.set(state, detail);
      }
    },
  });
  ctx.onLeave(() => {
    stream.close();
    if (timer !== undefined) clearInterval(timer);
  });
}
