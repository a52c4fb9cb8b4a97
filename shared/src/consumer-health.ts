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
import { untilKafkaAnswers } from './service-setup';

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
  /**
   * Starts the consumer again (connect, subscribe, run) after a crash kafkajs does not restart from
   * although its cause is only that Kafka could not be reached (see lostKafka). Without it, such a
   * crash exits 1 like any other.
   */
  restart?: () => Promise<void>;
}

/** kafkajs errors, their causes included, that say Kafka could not be reached, not that something is wrong */
const UNREACHABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSBrokerNotFound',
  'KafkaJSRequestTimeoutError',
]);

/**
 * Whether a crash came from Kafka being out of reach. kafkajs' join gives up on the first refused
 * connection while it looks for the group coordinator ("Failed to find group coordinator", wrapped as
 * non-retriable), so a consumer rejoining while the broker restarts is stopped for good. Pure.
 */
export function lostKafka(error: unknown): boolean {
  for (let e = error as { name?: string; cause?: unknown } | undefined, depth = 0; e && depth < 10; depth++) {
    if (e.name && UNREACHABLE.has(e.name)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

export function watchConsumer(consumer: Consumer, options: ConsumerHealthOptions): ConsumerHealth {
  const { logger, lifecycle, restartTimeoutMs, exit = (code) => process.exit(code) } = options;
  let down: string | undefined;
  let deadline: NodeJS.Timeout | undefined;
  let failing = false;

  let restarting = false;
  const startAgain = (cause: string) => {
    if (restarting || !options.restart) return;
    restarting = true;
    const restart = options.restart;
    // fail() starts the shutdown at once, and the shutdown ends untilKafkaAnswers' wait
    void untilKafkaAnswers('start the consumer again', restart, logger, lifecycle).then(
      () => {
        restarting = false;
      },
      (err: unknown) => {
        restarting = false;
        fail(`consumer could not be started again after ${cause}: ${(err as Error).message}`);
      },
    );
  };

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

  /** the rejoin deadline, counted from the first stop: restarts that keep failing do not push it back */
  const armDeadline = () => {
    deadline ??= setTimeout(
      () => fail(`consumer not back in its group within ${restartTimeoutMs} ms (${down})`),
      restartTimeoutMs,
    );
  };

  const { GROUP_JOIN, STOP, CRASH } = consumer.events;
  const removers = [
    consumer.on(CRASH, (e) => {
      const { error, restart } = e.payload;
      if (lifecycle.stopping) return;
      if (!restart && options.restart && lostKafka(error)) {
        // ours to start again, under the rejoin deadline (the STOP before this armed it)
        logger.warn(
          { err: error.message },
          'the Kafka consumer stopped while Kafka was out of reach; starting it again',
        );
        down = `consumer starting again after: ${error.message}`;
        armDeadline();
        startAgain(error.message);
        return;
      }
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
      armDeadline();
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
