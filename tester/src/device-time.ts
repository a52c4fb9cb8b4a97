// Device timestamps in the forms the receiver accepts: ISO-8601 in UTC, with an offset, or epoch ms.

export type AtFormat = 'iso' | 'epoch' | `+${string}` | `-${string}`;

/** An ISO-8601 date-time of `ms` written with the UTC offset `offset` ("+02:00", "-05:30"). */
export function isoWithOffset(ms: number, offset: string): string {
  const match = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!match) throw new Error(`not a UTC offset: ${offset}`);
  const sign = match[1] === '-' ? -1 : 1;
  const local = new Date(ms + sign * (Number(match[2]) * 60 + Number(match[3])) * 60000).toISOString();
  return `${local.slice(0, -1)}${offset}`;
}

export function formatAt(ms: number, format: AtFormat): string | number {
  if (format === 'epoch') return ms;
  if (format === 'iso') return new Date(ms).toISOString();
  return isoWithOffset(ms, format);
}
