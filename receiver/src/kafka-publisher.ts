// Readings → Kafka messages keyed by sensor (one sensor's readings stay in order in one partition),
// sent through a group commit (shared/src/group-commit.ts) with acks from all in-sync replicas.
import type { Message, Producer } from 'kafkajs';
import { createGroupCommit, type GroupCommit, type Reading, readingCodec } from '../../shared/src';
import type { ReceiverMetrics } from './receiver-metrics';

export function toMessage(reading: Reading): Message {
  return { key: reading.sensorId, value: readingCodec.encode(reading) };
}

/**
 * The broker refuses a record batch over message.max.bytes (1 MiB by default); one sendBatch makes one
 * record batch per partition, so sends are kept under half of that whatever the readings' sizes.
 */
export const MAX_SEND_BYTES = 512 * 1024;

export function chunkByBytes(messages: Message[], maxBytes: number): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = (m.value as Buffer).length + String(m.key ?? '').length + 32;
    if (current.length && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

export function createKafkaPublisher(deps: {
  producer: Producer;
  topic: string;
  lingerMs: number;
  maxBatch: number;
  maxInFlight: number;
  timeoutMs: number;
  metrics?: Pick<ReceiverMetrics, 'produceBatchSize' | 'produceSeconds'>;
}): GroupCommit<Message> & { publishReadings(readings: Reading[]): Promise<void> } {
  const batcher = createGroupCommit<Message>({
    lingerMs: deps.lingerMs,
    maxBatch: deps.maxBatch,
    maxInFlight: deps.maxInFlight,
    timeoutMs: deps.timeoutMs,
    async write(messages) {
      const end = deps.metrics?.produceSeconds.startTimer();
      deps.metrics?.produceBatchSize.observe(messages.length);
      for (const chunk of chunkByBytes(messages, MAX_SEND_BYTES)) {
        await deps.producer.sendBatch({ acks: -1, topicMessages: [{ topic: deps.topic, messages: chunk }] });
      }
      end?.();
    },
  });
  return Object.assign(batcher, {
    publishReadings: (readings: Reading[]) => batcher.publish(readings.map(toMessage)),
  });
}
