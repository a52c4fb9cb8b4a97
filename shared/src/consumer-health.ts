// A consumer that is not consuming must not look healthy. kafkajs stops a consumer for good after a
// crash it will not restart from (a non-retriable error, e.g. a TypeError thrown by eachBatch, or
// restartOnFailure saying no), while the process, its /health and its /ready carry on as if nothing
// happened. This watches the consumer's events: from a stop we did not ask for, /ready answers 503;
// a crash without restart, or a stop not followed by a rejoin within the deadline, shuts the service
// down and exits non-zero, so a supervisor (systemd, Docker, Kubernetes) starts a fresh one.
import type { Consumer } from 'kafkajs';
import type { ReadinessCheck } from './http/health';
import type { Lifecycle } from './lifecycle';
import type { Logger } from './logger';

export interface ConsumerHealth {
  /** for the status server's /ready: rejects while the consumer is not consuming */
  check: ReadinessCheck;
  /** removes the listeners */
  close(): void;
}

export interface ConsumerHealthOptions {
  logger: Logger;
  lifecycle: Lifecycle;
  /** how long a stopped consumer may take to rejoin its group (kafkajs restarts it) before we give up */
  restartTimeoutMs: number;
  /** ends the process; process.exit unless a test injects its own */
  exit?: (code: number) => void;
}

export function watchConsumer(consumer: Consumer, options: ConsumerHealthOptions): ConsumerHealth {
  const { logger, lifecycle, restartTimeoutMs, exit = (code) => process.exit(code) } = options;
  let down: string | undefined;
  let deadline: NodeJS.Timeout | undefined;
  let failing = false;

  const fail = (reason: string) => {
    if (failing || lifecycle.stopping) return;
    failing = true;
    down = reason;
    clearTimeout(deadline);
    logger.fatal({ reason }, 'the Kafka consumer stopped for good; exiting for a restart');
    void lifecycle.shutdown(reason).then(() => {
      logger.flush?.();
      exit(1);
    });
  };

  const { GROUP_JOIN, STOP, CRASH } = consumer.events;
  const removers = [
    consumer.on(CRASH, (e) => {
      const { error, restart } = e.payload;
      if (lifecycle.stopping) return;
      if (!restart) {
        fail(`consumer crashed without restart: ${error.message}`);
        return;
      }
      logger.warn({ err: error.message }, 'the Kafka consumer crashed; kafkajs restarts it');
      down = `consumer restarting after: ${error.message}`;
    }),
    consumer.on(STOP, () => {
      // kafkajs stops the consumer before it reports a crash, and on our own shutdown
      if (lifecycle.stopping || failing) return;
      down ??= 'consumer stopped';
      // counted from the first stop: restarts that keep failing do not push the deadline back
      deadline ??= setTimeout(
        () => fail(`consumer not back in its group within ${restartTimeoutMs} ms (${down})`),
        restartTimeoutMs,
      );
    }),
    consumer.on(GROUP_JOIN, () => {
      if (failing) return;
      clearTimeout(deadline);
      deadline = undefined;
      down = undefined;
    }),
  ];

  return {
    check: async () => {
      if (down !== undefined) throw new Error(down);
    },
    close() {
      clearTimeout(deadline);
      for (const remove of removers) remove();
    },
  };
}
