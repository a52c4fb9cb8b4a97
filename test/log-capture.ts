// A logger of the services' own kind (createLogger: same redaction) whose output a test can read, at
// trace level, to prove that something (a token) never reaches a log line.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../shared/src';

export function capturingLogger(name = 'test'): { logger: Logger; text(): string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ name, level: 'trace' }, destination), text: () => chunks.join('') };
}
