// Prometheus metrics of the live stream: who is connected, what was sent, who was dropped, and what
// the instance's Kafka consumer read.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface StreamMetrics {
  clients: Gauge;
  /** messages queued to clients, by event (reading, event, alarm) */
  sent: Counter<'event'>;
  /** clients disconnected, by reason: slow (over their buffer bound), revoked (token no longer valid), shutdown */
  disconnected: Counter<'reason'>;
  /** messages of the topics the consumer read, by kind; `skipped`: readings no client asked for, commands */
  consumed: Counter<'kind'>;
  /** messages the consumer could not decode (left out of the stream) */
  undecodable: Counter<'kind'>;
}

export function createStreamMetrics(registry: Registry): StreamMetrics {
  const registers = [registry];
  return {
    clients: new Gauge({ name: 'assessor_stream_clients', help: 'Live streams open on this instance', registers }),
    sent: new Counter({
      name: 'assessor_stream_messages_total',
      help: 'Messages queued to live-stream clients, by event',
      labelNames: ['event'],
      registers,
    }),
    disconnected: new Counter({
      name: 'assessor_stream_disconnected_total',
      help: 'Live streams ended by the assessor, by reason (slow: over ASSESSOR_STREAM_CLIENT_BUFFER_BYTES; revoked; shutdown)',
      labelNames: ['reason'],
      registers,
    }),
    consumed: new Counter({
      name: 'assessor_stream_consumed_total',
      help: "Messages of the readings, events and alarms topics read by the instance's stream consumer, by kind",
      labelNames: ['kind'],
      registers,
    }),
    undecodable: new Counter({
      name: 'assessor_stream_undecodable_total',
      help: 'Messages the stream consumer could not decode (left out of the stream; the saver dead-letters them)',
      labelNames: ['kind'],
      registers,
    }),
  };
}
