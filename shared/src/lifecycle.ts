// Start-up and shutdown composed in one place. Resources are registered as they are opened; on
// SIGTERM/SIGINT (or a failed start) they are closed in reverse order, within a deadline, and the
// process exits 0 only when everything closed cleanly.
import type { Server } from 'node:http';
import type { Logger } from './logger';

export type Closer = () => Promise<unknown> | unknown;

export interface Lifecycle {
  /** Registers a resource to close on shutdown (closed last-registered first). */
  onShutdown(name: string, close: Closer): void;
  /** Runs the closers; resolves with true when all of them succeeded within the deadline. */
  shutdown(reason: string): Promise<boolean>;
  /** true from the first moment of shutdown */
  readonly stopping: boolean;
  /** the shutdown deadline, ms */
  readonly timeoutMs: number;
}

export function createLifecycle(logger: Logger, timeoutMs: number): Lifecycle {
  const closers: Array<{ name: string; close: Closer }> = [];
  let shutdownPromise: Promise<boolean> | undefined;
  let stopping = false;
  const lifecycle: Lifecycle = {
    onShutdown(name, close) {
      closers.push({ name, close });
    },
    shutdown(reason) {
      stopping = true;
      shutdownPromise ??= (async () => {
        logger.info({ reason }, 'shutting down');
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<false>((resolve) => {
          timer = setTimeout(() => {
            logger.error({ timeoutMs }, 'shutdown deadline passed');
            resolve(false);
          }, timeoutMs);
        });
        const closeAll = (async () => {
          let ok = true;
          for (const { name, close } of [...closers].reverse()) {
            try {
              await close();
              logger.debug({ resource: name }, 'closed');
            } catch (err) {
              ok = false;
              logger.error({ err, resource: name }, 'close failed');
            }
          }
          return ok;
        })();
        const ok = await Promise.race([closeAll, deadline]);
        clearTimeout(timer);
        logger.info({ ok }, 'shut down');
        return ok;
      })();
      return shutdownPromise;
    },
    get stopping() {
      return stopping;
    },
    timeoutMs,
  };
  return lifecycle;
}

/**
 * Wires signals and fatal errors of the process to the lifecycle and runs `start`; a start that
 * throws closes what it opened and exits 1. Only main.ts files call this.
 */
export function runService(logger: Logger, lifecycle: Lifecycle, start: () => Promise<void>): void {
  const exit = (reason: string, failed: boolean) => {
    void lifecycle.shutdown(reason).then((ok) => {
      logger.flush?.();
      process.exit(ok && !failed ? 0 : 1);
    });
  };
  process.once('SIGTERM', () => exit('SIGTERM', false));
  process.once('SIGINT', () => exit('SIGINT', false));
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled rejection');
    exit('unhandledRejection', true);
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    exit('uncaughtException', true);
  });
  start().then(
    () => logger.info('started'),
    (err) => {
      logger.fatal({ err }, 'start failed');
      exit('start failed', true);
    },
  );
}

/** Listens and resolves once bound (port 0 picks a free port: see server.address()). */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
