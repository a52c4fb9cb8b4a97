// The only way this dashboard builds its page: elements from the DOM API, and every string from the
// outside (sensor ids, metric names, log messages, comments, API errors, the URL) as a text node. There
// is no innerHTML anywhere, so no value can become markup; and no inline handler or style attribute,
// so the assessor's Content-Security-Policy (no inline script, no inline style) holds.

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  /** class names, space separated */
  class?: string;
  /** attributes; names come from this code only, values may be anything (they are never parsed as markup) */
  attrs?: Record<string, string | number | boolean | undefined | null>;
  /** event listeners, added with addEventListener */
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

/** Attributes that would run or load something: never set through h(), whatever the caller says. */
const FORBIDDEN = /^(on|style$|srcdoc$)/i;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props?.class) el.className = props.class;
  for (const [name, value] of Object.entries(props?.attrs ?? {})) {
    if (FORBIDDEN.test(name)) throw new Error(`attribute ${name} is not allowed`);
    if (value === undefined || value === null || value === false) continue;
    if ((name === 'href' || name === 'src') && !isSafeUrl(String(value))) {
      throw new Error(`${name} must be a relative or same-page URL`);
    }
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [type, listener] of Object.entries(props?.on ?? {})) {
    el.addEventListener(type, listener as EventListener);
  }
  append(el, ...children);
  return el;
}

/** Links of this dashboard point at its own views (#/...) or its own API, never at a scheme. */
function isSafeUrl(url: string): boolean {
  return url.startsWith('#') || url.startsWith('./') || url.startsWith('api/');
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

/** A status line: what a view shows instead of nothing (empty, loading, unavailable, failed). */
export function notice(kind: 'empty' | 'loading' | 'unavailable' | 'error', ...children: Child[]): HTMLElement {
  return h(
    'p',
    { class: `notice notice-${kind}`, attrs: { role: kind === 'error' ? 'alert' : 'status' } },
    ...children,
  );
}

/** A labelled form control: the label wraps its control, so clicking the text focuses it. */
export function field(label: string, control: HTMLElement, ...extra: Child[]): HTMLElement {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), control, ...extra);
}

export function input(attrs: Record<string, string | number | boolean | undefined>): HTMLInputElement {
  return h('input', { attrs });
}

export function select(
  name: string,
  options: ReadonlyArray<readonly [value: string, label: string]>,
  value: string,
): HTMLSelectElement {
  const el = h('select', { attrs: { name } });
  for (const [v, label] of options) {
    const option = h('option', { attrs: { value: v } }, label);
    if (v === value) option.selected = true;
    el.appendChild(option);
  }
  return el;
}

export function button(
  label: Child,
  onClick: (event: MouseEvent) => void,
  attrs: Record<string, string | boolean | undefined> = {},
): HTMLButtonElement {
  return h('button', { attrs: { type: 'button', ...attrs }, on: { click: onClick } }, label);
}

/**
 * A table inside a scrolling box, so a wide table scrolls on a phone instead of widening the page;
 * below 600 px wide each row becomes a block of labelled cells (the labels are the headers).
 */
export function table(headers: readonly string[], rows: HTMLTableRowElement[], caption?: string): HTMLElement {
  for (const tr of rows) labelCells(tr, headers);
  const body = h('tbody', null, ...rows);
  const wrap = h(
    'div',
    { class: 'table-wrap stack', attrs: { tabindex: 0, role: 'region', 'aria-label': caption ?? headers.join(', ') } },
    h(
      'table',
      null,
      caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
      h('thead', null, h('tr', null, ...headers.map((t) => h('th', { attrs: { scope: 'col' } }, t)))),
      body,
    ),
  );
  // rows added later (live updates) get their labels too
  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) if (node instanceof HTMLTableRowElement) labelCells(node, headers);
    }
  }).observe(body, { childList: true });
  return wrap;
}

function labelCells(tr: HTMLTableRowElement, headers: readonly string[]): void {
  [...tr.cells].forEach((cell, i) => {
    if (headers[i] !== undefined) cell.dataset.label = headers[i];
  });
}

export function row(...cells: Child[]): HTMLTableRowElement {
  return h('tr', null, ...cells.map((c) => (c instanceof HTMLTableCellElement ? c : h('td', null, c))));
}
