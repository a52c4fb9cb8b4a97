// Prometheus metrics of the assessor: request latency by route and status.
import { Histogram, type Registry } from 'prom-client';

export interface AssessorMetrics {
  requestSeconds: Histogram<'route' | 'status'>;
}

export function createAssessorMetrics(registry: Registry): AssessorMetrics {
  return {
    requestSeconds: new Histogram({
      name: 'assessor_request_seconds',
      help: 'Time to answer a request, by route pattern and status',
      labelNames: ['route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
