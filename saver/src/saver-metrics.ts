// Prometheus metrics of the saver.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface SaverMetrics {
  rowsWritten: Counter<'table'>;
  duplicatesIgnored: Counter;
  writeRetries: Counter;
  deadLettered: Counter;
  commandsSkipped: Counter;
  batchRows: Histogram;
  writeSeconds: Histogram;
  lag: Gauge<'topic' | 'partition'>;
}

export function createSaverMetrics(registry: Registry): SaverMetrics {
  const registers = [registry];
  return {
    rowsWritten: new Counter({
      name: 'saver_rows_written_total',
      help: 'Rows inserted (alarms: inserted or changed), by table',
      labelNames: ['table'],
      registers,
    }),
    duplicatesIgnored: new Counter({
      name: 'saver_duplicates_ignored_total',
      help: 'Redelivered rows already stored',
      registers,
    }),
    writeRetries: new Counter({
      name: 'saver_write_retries_total',
      help: 'PostgreSQL writes retried after a failure',
      registers,
    }),
    deadLettered: new Counter({
      name: 'saver_dead_lettered_total',
      help: 'Undecodable messages sent to the dead-letter topic',
      registers,
    }),
    commandsSkipped: new Counter({
      name: 'saver_commands_skipped_total',
      help: "Operators' commands in the readings topic, skipped (the processor applies them; nothing is stored)",
      registers,
    }),
    batchRows: new Histogram({
      name: 'saver_batch_rows',
      help: 'Rows per PostgreSQL transaction',
      buckets: [1, 10, 100, 500, 1000, 2000, 5000, 10000],
      registers,
    }),
    writeSeconds: new Histogram({
      name: 'saver_write_seconds',
      help: 'Time to write and commit one batch, retries included',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    lag: new Gauge({
      name: 'saver_consumer_lag',
      help: 'Messages behind the high watermark',
      labelNames: ['topic', 'partition'],
      registers,
    }),
  };
}
