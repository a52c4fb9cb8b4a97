import { guessLevel } from './log-level';

test.each([
  ['Nov 22 10:00:01 web-3 kernel: Out of memory: Killed process 123', 'info'],
  ['2026-11-22 ERROR payment failed: timeout', 'error'],
  ['[warn] disk almost full', 'warning'],
  ['WARNING: deprecated option', 'warning'],
  ['FATAL: database is shutting down', 'critical'],
  ['kernel panic - not syncing', 'critical'],
  ['Traceback (most recent call last):', 'error'],
  ['DEBUG cache hit', 'debug'],
  ['ERROR: retry warning', 'error'],
  ['the terror of informal errorless text', 'info'],
  ['<11>Nov 22 10:00:01 app: something', 'error'],
  ['<14>Nov 22 10:00:01 app: an error word but priority says info', 'info'],
  ['<8>...', 'critical'],
  ['{"level":50,"time":1,"msg":"boom"}', 'error'],
  ['{"level":40,"msg":"careful"}', 'warning'],
  ['{"level":20,"msg":"error in a debug message"}', 'debug'],
  ['user logged in', 'info'],
])('%s → %s', (line, level) => {
  expect(guessLevel(line)).toBe(level);
});
