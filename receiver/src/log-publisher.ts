// Log lines → Kafka messages keyed by sensor on the logs topic, through a group commit of their own
// (kafka-publisher.ts: acks from all in-sync replicas, sends kept under the broker's batch limit).
import type { Producer } from 'kafkajs';
import { type LogLine, logCodec } from '../../shared/src';
import { createKafkaPublisher } from './kafka-publisher';

/**
 * Lines accepted but not yet acknowledged by Kafka beyond which requests get 429. Lines may be 8 KiB
 * where a reading is a few dozen bytes, so this bounds the memory they hold (80 MiB at worst) instead
 * of RECEIVER_MAX_IN_FLIGHT_READINGS; two full requests (5,000 lines each) fit.
 */
export const MAX_IN_FLIGHT_LOG_LINES = 10_000;

export function createLogPublisher(deps: {
  producer: Producer;
  topic: string;
  config: { lingerMs: number; produceBatchMax: number; maxInFlightReadings: number; produceTimeoutMs: number };
}) {
  const publisher = createKafkaPublisher({
    producer: deps.producer,
    topic: deps.topic,
    lingerMs: deps.config.lingerMs,
    maxBatch: deps.config.produceBatchMax,
    maxInFlight: Math.min(deps.config.maxInFlightReadings, MAX_IN_FLIGHT_LOG_LINES),
    timeoutMs: deps.config.produceTimeoutMs,
  });
  return Object.assign(publisher, {
    publishLogs: (lines: LogLine[]) =>
      publisher.publish(lines.map((line) => ({ key: line.sensorId, value: logCodec.encode(line) }))),
  });
}
