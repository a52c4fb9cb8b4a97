// The root pino logger of a service (created once, in its main.ts, and passed down), and the bridge
// that sends kafkajs's own logs into it.
import { logLevel as KafkaLogLevel, type logCreator } from 'kafkajs';
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { name: string; level: string }, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      base: { service: options.name, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['*.password', '*.url'], censor: '[redacted]' },
    },
    destination,
  );
}

const KAFKA_TO_PINO: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
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
