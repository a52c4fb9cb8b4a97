// Poison messages (bytes that are not our Avro, a schema we do not know) go to the dead-letter topic
// with the error and their origin in headers, so consumption goes on and nothing is silently dropped.
import type { KafkaMessage, Producer } from 'kafkajs';

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
