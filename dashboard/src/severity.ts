// Severities and log levels shown with a shape and a word as well as a colour, so they read the same
// without colour vision, in grey print and to a screen reader.
import { h } from './dom';

export const SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

const SEVERITY_ICON: Record<Severity, string> = { critical: '⬢', major: '▲', minor: '◆', warning: '●' };

export const isSeverity = (v: unknown): v is Severity => SEVERITIES.includes(v as Severity);

export function severityBadge(severity: string, count?: number): HTMLElement {
  const known = isSeverity(severity) ? severity : undefined;
  return h(
    'span',
    { class: `badge sev sev-${known ?? 'unknown'}`, attrs: { title: `severity ${severity}` } },
    h('span', { class: 'icon', attrs: { 'aria-hidden': 'true' } }, known ? SEVERITY_ICON[known] : '?'),
    count === undefined ? severity : `${count} ${severity}`,
  );
}

export const LOG_LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;
const LEVEL_ICON: Record<string, string> = { debug: '·', info: 'i', warning: '!', error: '✖', critical: '‼' };

export function levelBadge(level: string): HTMLElement {
  const known = (LOG_LEVELS as readonly string[]).includes(level);
  return h(
    'span',
    { class: `badge lvl lvl-${known ? level : 'unknown'}` },
    h('span', { class: 'icon', attrs: { 'aria-hidden': 'true' } }, LEVEL_ICON[level] ?? '?'),
    level,
  );
}
