// What the list views (alarms, events, logs) share: their filters form, text filters, one request
// at a time, a range choice (a preset measured back from now, or all time) as a select, and keyset
// paging whose cursors stay in the URL.
import { button, field, h, input, replace, select } from '../dom';
import type { PageContext } from '../page';
import { PRESETS, resolveFrame } from '../time-range';

/** A text filter of ids and names: no autocompletion, no spell check. */
export function textFilter(name: string, value: string | undefined, placeholder?: string): HTMLInputElement {
  // spellcheck as the string: h() leaves out an attribute whose value is false
  return input({ type: 'text', name, value: value ?? '', placeholder, autocomplete: 'off', spellcheck: 'false' });
}

/** The filters form: a change of any field, or the Filter button, applies them. */
export function filterForm(fields: ReadonlyArray<readonly [label: string, control: HTMLElement]>, apply: () => void) {
  return h(
    'form',
    {
      class: 'filters',
      on: {
        submit: (e) => {
          e.preventDefault();
          apply();
        },
        change: () => apply(),
      },
    },
    ...fields.map(([label, control]) => field(label, control)),
    h('button', { attrs: { type: 'submit' } }, 'Filter'),
  );
}

/**
 * One list request at a time: each call aborts the request before it and gives the new one's signal
 * (an answer that comes after a newer request is dropped); leaving the page aborts the last.
 */
export function latestRequest(ctx: PageContext): () => AbortSignal {
  let controller = new AbortController();
  ctx.onLeave(() => controller.abort());
  return () => {
    controller.abort();
    controller = new AbortController();
    return controller.signal;
  };
}

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
