// How times and values read on screen: local time with the ISO-8601 instant in a tooltip, values with
// at most 4 significant decimals, "12 s ago" for freshness. Pure apart from the user's locale.
import { h } from './dom';

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 4 });

export function formatValue(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? number.format(value) : '—';
}

/** Local date and time; the year only when it is not this one. */
export function formatTime(ms: number): string {
  const date = new Date(ms);
  return date.toLocaleString(undefined, {
    year: date.getFullYear() === new Date().getFullYear() ? undefined : 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function ago(ms: number, now: number): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return 'in the future';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** A <time> element: local time as text, the instant in `datetime` and in the tooltip. */
export function timeEl(iso: string | null | undefined, options: { relative?: boolean } = {}): HTMLElement | string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return String(iso);
  const text = options.relative ? ago(ms, Date.now()) : formatTime(ms);
  return h('time', { attrs: { datetime: new Date(ms).toISOString(), title: new Date(ms).toISOString() } }, text);
}
