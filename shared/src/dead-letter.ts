// Poison messages (bytes that are not our Avro, a schema we do not know, a value no receiver accepts)
// go to the dead-letter topic with the error and their origin in headers, so consumption goes on and
// nothing is silently dropped.
import type { KafkaMessage, Producer } from 'kafkajs';
import { PoisonMessageError } from './codec';
import type { Logger } from './logger';

export interface PoisonMessage {
  topic: string;
  partition: number;
  message: KafkaMessage;
  error: Error;
}

export function deadLetterHeaders(p: PoisonMessage, consumerGroup: string): Record<string, string> {
  return {
    'x-error': p.error.message.slice(0, 1000),
    'x-error-type': p.error.name,
    'x-origin-topic': p.topic,
    'x-origin-partition': String(p.partition),
    'x-origin-offset': p.message.offset,
    'x-consumer-group': consumerGroup,
  };
}

export async function sendToDeadLetter(
  producer: Producer,
  deadLetterTopic: string,
  consumerGroup: string,
  poison: PoisonMessage[],
): Promise<void> {
  if (poison.length === 0) return;
  await producer.send({
    topic: deadLetterTopic,
    acks: -1,
    messages: poison.map((p) => ({
      key: p.message.key,
      value: p.message.value,
      headers: deadLetterHeaders(p, consumerGroup),
    })),
  });
}

/** Where a consumer's poison goes, and who hears of it. */
export interface DeadLetterTarget {
  producer: Producer;
  deadLetterTopic: string;
  /** the consumer group, named in the x-consumer-group header */
  groupId: string;
  logger: Logger;
  /** counts the messages dead-lettered (e.g. a Prometheus counter) */
  counter?: { inc(count: number): void };
}

export interface Decoded<T> {
  message: KafkaMessage;
  value: T;
}

/**
 * The one decode → poison → dead-letter step of the consumers: decodes a batch's messages with
 * `decode` (which throws PoisonMessageError for a value it refuses: shared/src/message-validation.ts),
 * dead-letters the poison through `retry` (the caller's policy: how long to insist, heartbeats), and
 * resolves with the other messages' values, in order, once the dead letters are acknowledged.
 * Any other error from `decode` is a bug and is thrown.
 */
export async function decodeOrDeadLetter<T>(
  batch: { topic: string; partition: number; messages: KafkaMessage[] },
  decode: (value: Buffer | null) => T,
  target: DeadLetterTarget,
  retry: (send: () => Promise<void>) => Promise<unknown>,
): Promise<Decoded<T>[]> {
  const { topic, partition } = batch;
  const decoded: Decoded<T>[] = [];
  const poison: PoisonMessage[] = [];
  for (const message of batch.messages) {
    try {
      decoded.push({ message, value: decode(message.value) });
    } catch (err) {
      if (!(err instanceof PoisonMessageError)) throw err;
      poison.push({ topic, partition, message, error: err });
    }
  }
  if (poison.length) {
    target.logger.warn(
      {
        topic,
        partition,
        count: poison.length,
        offsets: poison.slice(0, 20).map((p) => p.message.offset),
        error: poison[0].error.message,
      },
      'dead-lettering',
    );
    await retry(() => sendToDeadLetter(target.producer, target.deadLetterTopic, target.groupId, poison));
    target.counter?.inc(poison.length);
  }
  return decoded;
}
