// Prometheus metrics of the receiver.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ReceiverMetrics {
  readingsAccepted: Counter;
  requestsRefused: Counter<'status'>;
  produceBatchSize: Histogram;
  produceSeconds: Histogram;
  heldReadings: Gauge;
}

export function createReceiverMetrics(registry: Registry, held: () => number): ReceiverMetrics {
  return {
    readingsAccepted: new Counter({
      name: 'receiver_readings_accepted_total',
      help: 'Readings acknowledged by Kafka and answered 200',
      registers: [registry],
    }),
    requestsRefused: new Counter({
      name: 'receiver_requests_refused_total',
      help: 'Requests answered with an error, by status',
      labelNames: ['status'],
      registers: [registry],
    }),
    produceBatchSize: new Histogram({
      name: 'receiver_produce_batch_readings',
      help: 'Readings per Kafka produce request',
      buckets: [1, 10, 50, 100, 500, 1000, 2000, 5000, 10000],
      registers: [registry],
    }),
    produceSeconds: new Histogram({
      name: 'receiver_produce_seconds',
      help: 'Time from send to Kafka acknowledgement',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    heldReadings: new Gauge({
      name: 'receiver_held_readings',
      help: 'Readings waiting for a Kafka acknowledgement',
      registers: [registry],
      collect() {
        this.set(held());
      },
    }),
  };
}
