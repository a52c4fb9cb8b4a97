// Prometheus metrics of the processor.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface ProcessorMetrics {
  readingsProcessed: Counter;
  warnings: Counter;
  eventsRaised: Counter;
  alarmTransitions: Counter;
  ruleSetVersion: Gauge;
  deadLettered: Counter;
  retries: Counter<'operation'>;
  lag: Gauge<'partition'>;
}

export function createProcessorMetrics(registry: Registry): ProcessorMetrics {
  const registers = [registry];
  return {
    readingsProcessed: new Counter({ name: 'processor_readings_total', help: 'Readings consumed', registers }),
    warnings: new Counter({ name: 'processor_warnings_total', help: 'Readings that broke their rule', registers }),
    eventsRaised: new Counter({
      name: 'processor_events_total',
      help: 'Events raised (N-th warning in a row)',
      registers,
    }),
    alarmTransitions: new Counter({
      name: 'processor_alarm_transitions_total',
      help: 'Alarm transitions sent (raised, updated once per chunk, cleared)',
      registers,
    }),
    ruleSetVersion: new Gauge({
      name: 'processor_rule_set_version',
      help: 'Version of the rule set in force (0: the configuration)',
      registers,
    }),
    deadLettered: new Counter({
      name: 'processor_dead_lettered_total',
      help: 'Undecodable messages sent to the dead-letter topic',
      registers,
    }),
    retries: new Counter({
      name: 'processor_retries_total',
      help: 'Redis or Kafka operations retried after a failure, by operation',
      labelNames: ['operation'],
      registers,
    }),
    lag: new Gauge({
      name: 'processor_consumer_lag',
      help: 'Messages behind the high watermark, per partition',
      labelNames: ['partition'],
      registers,
    }),
  };
}
