// Tokens never reach a log line: the redaction paths of createLogger, checked on its real output.
import { Writable } from 'node:stream';
import { logLevel } from 'kafkajs';
import { createLogger, KAFKA_TO_PINO } from './logger';

function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ name: 'test', level: 'trace' }, destination), lines };
}

describe('log redaction', () => {
  const secret = 'Zm9vYmFyLXRoaXMtaXMtYS1zZWNyZXQtdG9rZW4';

  it.each([
    ['the request headers', { req: { headers: { authorization: `Bearer ${secret}` } } }],
    ['headers as given by node', { headers: { authorization: `Bearer ${secret}`, host: 'x' } }],
    ['capitalised headers', { request: { headers: { Authorization: `Bearer ${secret}` } } }],
    ['an error carrying its request', { err: { config: { headers: { authorization: `Bearer ${secret}` } } } }],
    ['an authorization field', { authorization: `Bearer ${secret}` }],
    ['a token field', { token: secret }],
    ['a nested token field', { created: { token: secret, name: 'ops' } }],
    ['the admin token setting', { auth: { adminToken: secret } }],
  ])('when %s are logged, then the token is not in the output', (_what, object) => {
    const { logger, lines } = capturingLogger();
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) logger[level](object, 'x');
    expect(lines).toHaveLength(6);
    for (const line of lines) {
      expect(line).not.toContain(secret);
      expect(line).toContain('[redacted]');
    }
  });

  it('when a child logger logs, then it redacts too', () => {
    const { logger, lines } = capturingLogger();
    logger.child({ module: 'm' }).info({ req: { headers: { authorization: secret } } }, 'x');
    expect(lines.join('')).not.toContain(secret);
  });
});

test("the kafkajs bridge maps kafkajs's own logLevel values", () => {
  expect(KAFKA_TO_PINO).toEqual({
    [logLevel.ERROR]: 'error',
    [logLevel.WARN]: 'warn',
    [logLevel.INFO]: 'info',
    [logLevel.DEBUG]: 'debug',
  });
});
