// What the events and logs views share: a range choice (a preset measured back from now, or all
// time) as a select, and keyset paging whose cursors stay in the URL.
import { button, replace, select } from '../dom';
import type { PageContext } from '../page';
import { PRESETS, resolveFrame } from '../time-range';

export function rangeSelect(value: string | undefined, fallback: string): HTMLSelectElement {
  return select('range', [...PRESETS.map(([p]) => [p, `last ${p}`] as const), ['all', 'all time']], value ?? fallback);
}

/** from/to of the URL's range (`all`: none). */
export function rangeQuery(params: Record<string, string>, fallback: string): { from?: string; to?: string } {
  const range = params.range ?? fallback;
  if (range === 'all') return {};
  const frame = resolveFrame({ ...params, range }, Date.now());
  return { from: new Date(frame.from).toISOString(), to: frame.preset ? undefined : new Date(frame.to).toISOString() };
}

export function drawPager(
  ctx: PageContext,
  pager: HTMLElement,
  nextCursor: string | null | undefined,
  reload: () => void,
): void {
  replace(
    pager,
    ctx.route.params.cursor
      ? button('First page', () => {
          ctx.update({ cursor: undefined }, { push: true });
          reload();
        })
      : null,
    nextCursor
      ? button('Next page', () => {
          ctx.update({ cursor: nextCursor }, { push: true });
          reload();
        })
      : null,
  );
}
