// The time frame of a view: a preset measured back from now (1h 6h 24h 7d 30d) or a custom from/to,
// as it is kept in the URL (`range=24h`, or `range=custom&from=...&to=...` with ISO-8601 instants).
// Pure.

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const PRESETS = [
  ['1h', HOUR],
  ['6h', 6 * HOUR],
  ['24h', DAY],
  ['7d', 7 * DAY],
  ['30d', 30 * DAY],
] as const;
export type Preset = (typeof PRESETS)[number][0];

export const DEFAULT_PRESET: Preset = '24h';

export interface TimeFrame {
  from: number;
  to: number;
  /** the preset, when the frame ends now (and so slides forward with live data) */
  preset?: Preset;
}

const presetLength = (name: string): number | undefined => PRESETS.find(([p]) => p === name)?.[1];

/** The frame the URL's parameters describe; a bad or missing one falls back to the default preset. */
export function resolveFrame(params: Record<string, string | undefined>, now: number): TimeFrame {
  if (params.range === 'custom') {
    const from = parseInstant(params.from);
    const to = parseInstant(params.to);
    if (from !== undefined && to !== undefined && from < to) return { from, to };
  }
  const preset = (presetLength(params.range ?? '') ? params.range : DEFAULT_PRESET) as Preset;
  const length = presetLength(preset) as number;
  return { from: now - length, to: now, preset };
}

/** The URL parameters of a custom frame (e.g. after a zoom). */
export function customParams(from: number, to: number): Record<string, string> {
  return {
    range: 'custom',
    from: new Date(Math.round(from)).toISOString(),
    to: new Date(Math.round(to)).toISOString(),
  };
}

export function parseInstant(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = /^\d{1,15}$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** `<input type="datetime-local">` value (local time, minutes) of an instant, and back. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const ms = new Date(value).getTime(); // no offset: local time, as the input shows it
  return Number.isFinite(ms) ? ms : undefined;
}
