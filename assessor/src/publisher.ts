// What the assessor writes to Kafka (an ack's transition, a clear command, a rule set), through the
// idempotent producer with acks from all in-sync replicas, each send bounded in time. A send that
// failed or timed out is a 503; a timed-out one may still be written later (the producer retries
// without end, as idempotence requires), which the 503 says: every action it serves is idempotent,
// so retrying it is safe.
import type { Producer } from 'kafkajs';
import { AppError } from '../../shared/src';

export interface Publisher {
  publish(topic: string, key: string, value: Buffer): Promise<void>;
}

/** Retry-After of the 503s, in seconds. */
const RETRY_AFTER_SECONDS = 1;

const unavailable = (message: string, cause?: unknown) =>
  new AppError('DEPENDENCY_UNAVAILABLE', [{ field: 'service', message }], {
    cause,
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  });

/** `ready()` false: the producer is not connected yet (Kafka was down at start): 503 at once. */
export function createPublisher(deps: { producer: Producer; timeoutMs: number; ready?: () => boolean }): Publisher {
  return {
    async publish(topic, key, value) {
      if (deps.ready && !deps.ready()) {
        throw unavailable('Kafka is unavailable; nothing was written; retry later');
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () =>
            reject(
              unavailable(
                `Kafka did not confirm within ${deps.timeoutMs} ms: this may still take effect; retrying is safe`,
              ),
            ),
          deps.timeoutMs,
        );
      });
      try {
        await Promise.race([deps.producer.send({ topic, acks: -1, messages: [{ key, value }] }), timeout]);
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw unavailable('Kafka refused or failed the write: this may still take effect; retrying is safe', err);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The publisher of an assessor without Kafka (tests of the read API): every write is a 503. */
export const noPublisher: Publisher = {
  publish: async () => {
    throw unavailable('this assessor has no Kafka connection; alarm actions and rule changes are unavailable');
  },
};
