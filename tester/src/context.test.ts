import pino from 'pino';
import { createContext } from './context';
import { resolveServicesConfig } from './services-config';

const config = resolveServicesConfig(
  {
    receiver: { host: '127.0.0.1', port: 1 },
    assessor: { host: '127.0.0.1', port: 1 },
    kafka: { brokers: ['127.0.0.1:1'], topics: { readings: 'r', events: 'e' } },
    redis: { host: '127.0.0.1', port: 1 },
    postgres: { host: '127.0.0.1', port: 1, user: 'u', database: 'd' },
  },
  {},
);

describe('context cleanups', () => {
  it('when the run closes, then the deferred cleanups run newest first, once, and the failed ones are named', async () => {
    const { ctx, close } = createContext(config, pino({ level: 'silent' }));
    const ran: string[] = [];
    ctx.defer('revoking the token', async () => {
      ran.push('token');
    });
    ctx.defer('restoring the rules', async () => {
      ran.push('rules');
      throw new Error('assessor answered 503');
    });
    ctx.defer('clearing alarms', async () => {
      ran.push('alarms');
    });
    const [first, second] = await Promise.all([close(), close()]);
    expect(ran).toEqual(['alarms', 'rules', 'token']);
    expect(first).toEqual(['restoring the rules: assessor answered 503']);
    expect(second).toBe(first);
  });
});
