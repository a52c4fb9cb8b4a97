// The root pino logger of a service (created once, in its main.ts, and passed down), and the bridge
// that sends kafkajs's own logs into it.
// kafkajs only as types: processes that use no Kafka (the host agent) do not load it (about 11 MB RSS)
import type { logCreator } from 'kafkajs';
import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Never logged, at any level: passwords and URLs (which may hold one), and access tokens wherever a
 * request's headers or a token field end up in a log object (logger.test.ts checks each path).
 */
export const REDACTED_PATHS = [
  '*.password',
  '*.url',
  'authorization',
  'Authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.*.headers.authorization',
  'token',
  '*.token',
  'adminToken',
  '*.adminToken',
];

export function createLogger(options: { name: string; level: string }, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      base: { service: options.name, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

/** kafkajs's logLevel values (ERROR 1, WARN 2, INFO 4, DEBUG 5; logger.test.ts compares them with kafkajs's) */
export const KAFKA_TO_PINO: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  1: 'error',
  2: 'warn',
  4: 'info',
  5: 'debug',
};

/** kafkajs logCreator writing through pino; kafkajs INFO chatter (joins, commits) is logged at debug. */
export function kafkaLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ module: 'kafkajs' });
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      const pinoLevel = KAFKA_TO_PINO[level] ?? 'debug';
      kafkaLogger[pinoLevel === 'info' ? 'debug' : pinoLevel](extra, message);
    };
}
