import { createKeyedLock } from './keyed-lock';

describe('createKeyedLock', () => {
  it('runs work of one key one at a time, in order, and work of other keys alongside', async () => {
    const lock = createKeyedLock();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = lock.run(1, async () => {
      log.push('1a start');
      await gate;
      log.push('1a end');
    });
    const second = lock.run(1, async () => {
      log.push('1b');
    });
    const other = lock.run(2, async () => {
      log.push('2');
    });
    await other;
    expect(log).toEqual(['1a start', '2']);
    release();
    await Promise.all([first, second]);
    expect(log).toEqual(['1a start', '2', '1a end', '1b']);
  });

  it('when a piece of work fails, then the next one of its key still runs', async () => {
    const lock = createKeyedLock();
    await expect(lock.run(1, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.run(1, async () => 'next')).resolves.toBe('next');
  });
});
