// Instants as the API writes and reads them: ISO-8601 in UTC, or epoch milliseconds. Pure.

/** Instants the services take: year 1 to year 9999, what ISO-8601 and PostgreSQL's timestamptz both represent. */
export const EARLIEST_MS = -62_135_596_800_000;
export const LATEST_MS = 253_402_300_799_999;

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An ISO-8601 date-time with an offset (`2026-11-22T10:00:00Z`, `...+01:00`) → epoch ms, or undefined.
 * Stricter than Date.parse, which takes day 31 of any month, hour 24 and dates without an offset.
 */
export function parseIsoDateTime(text: string): number | undefined {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || (s ?? 0) > 59) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Epoch ms (or a Date) → ISO-8601 in UTC with milliseconds, as every answer and SQL parameter has it. */
export const iso = (time: number | Date): string => (typeof time === 'number' ? new Date(time) : time).toISOString();
