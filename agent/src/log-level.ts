// The level of a log line guessed from its text, for lines that carry no structured level. The first
// keyword found wins, most severe first, so "ERROR: retry warning" is an error. Keywords are whole
// words, case-insensitive: "terror" or "informal" match nothing.
import type { LogLevel } from '../../client/src';

const KEYWORDS: ReadonlyArray<readonly [LogLevel, RegExp]> = [
  ['critical', /\b(crit|critical|fatal|emerg|emergency|alert|panic)\b/i],
  ['error', /\b(err|error|errors|exception|fail|failed|failure|traceback|segfault)\b/i],
  ['warning', /\b(warn|warning|warnings|deprecated)\b/i],
  ['debug', /\b(debug|trace|verbose)\b/i],
];

/** The syslog levels (RFC 5424 severities 0-7) as a leading `<n>` priority (0-191) carries them. */
const SYSLOG: readonly LogLevel[] = ['critical', 'critical', 'critical', 'error', 'warning', 'info', 'info', 'debug'];

/** The level of a line: its syslog priority when it starts with one, else a keyword, else info. */
export function guessLevel(line: string): LogLevel {
  const pri = /^<(\d{1,3})>/.exec(line);
  if (pri && Number(pri[1]) <= 191) return SYSLOG[Number(pri[1]) % 8];
  // a JSON line from pino or bunyan: numeric level 10..60
  const pinoLevel = /"level"\s*:\s*(\d{2})\b/.exec(line);
  if (pinoLevel) {
    const n = Number(pinoLevel[1]);
    if (n >= 60) return 'critical';
    if (n >= 50) return 'error';
    if (n >= 40) return 'warning';
    if (n >= 30) return 'info';
    return 'debug';
  }
  for (const [level, pattern] of KEYWORDS) if (pattern.test(line)) return level;
  return 'info';
}
