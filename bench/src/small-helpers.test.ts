import { saverWrites } from './bench-context';
import { databaseUrl } from './bench-database';
import { parsePrometheusText } from './prometheus-text';
import { MAX_SEND_BYTES, messageBytes } from './kafka-limits';
import { receiverProduces } from './pipeline-phases';
import { kafkaVersionFrom } from './machine';
import { csvLine } from './postgres-limits';
import { windowSeconds } from './simulation';
import { formatSimulationSummary } from './simulation-summary';
import { sampleLoad } from '../fixtures/bench-result';

describe('bench helpers', () => {
  it('when a message is sized, then it counts as the receiver counts it against 512 KiB', () => {
    expect(messageBytes({ key: 'sensor', value: Buffer.alloc(100) })).toBe(138);
    expect(MAX_SEND_BYTES).toBe(512 * 1024);
  });

  it('when the receiver sent between two scrapes, then its sends, sizes and times come out', () => {
    const scrape = (count: number, seconds: number, readings: number) =>
      parsePrometheusText(
        `receiver_produce_seconds_count ${count}\nreceiver_produce_seconds_sum ${seconds}\nreceiver_produce_batch_readings_sum ${readings}\n`,
      );
    expect(receiverProduces(scrape(0, 0, 0), scrape(100, 2, 350_000))).toEqual({
      produces: 100,
      readingsPerProduce: 3500,
      msPerProduce: 20,
    });
  });

  it('when a reading is written as CSV, then its times are ISO-8601 in UTC', () => {
    expect(csvLine({ id: 'i', sensorId: 's', metric: 'temperature', value: 99.5, at: 0, receivedAt: 1000 })).toBe(
      'i,s,temperature,99.5,1970-01-01T00:00:00.000Z,1970-01-01T00:00:01.000Z\n',
    );
  });

  it('when the bench database URL is made, then only the database name changes', () => {
    expect(databaseUrl('postgres://postgres@127.0.0.1:5432/metrics', 'metrics_bench')).toBe(
      'postgres://postgres@127.0.0.1:5432/metrics_bench',
    );
    expect(databaseUrl('postgres://u:p@db/x?sslmode=disable', 'b')).toBe('postgres://u:p@db/b?sslmode=disable');
  });

  it('when the broker runs from the Maven jars, then its version comes from the class path, else from the pom', () => {
    expect(kafkaVersionFrom('java\0-cp\0/work/.cache/kafka-3.9.2/lib/*\0kafka.Kafka', '')).toBe('3.9.2');
    expect(kafkaVersionFrom('', '<kafka.version>3.9.1</kafka.version>')).toBe('3.9.1');
    expect(kafkaVersionFrom('', '')).toBeUndefined();
  });

  it('when a paced run kept its schedule, then rates are over the planned duration; when late, over the longer schedule', () => {
    expect(
      windowSeconds({ requestsPerSecond: 100, durationMs: 60_000, lastSentMs: 59_990, lastAnswerMs: 60_030 }),
    ).toBe(60);
    expect(
      windowSeconds({ requestsPerSecond: 100, durationMs: 60_000, lastSentMs: 65_000, lastAnswerMs: 65_100 }),
    ).toBeCloseTo(65.01);
    expect(
      windowSeconds({ requestsPerSecond: 0, durationMs: 20_000, lastSentMs: 19_999, lastAnswerMs: 20_050 }),
    ).toBeCloseTo(20.05);
  });

  it('when a simulation is summarized, then sent, accepted, errors by status, latency and rate are printed', () => {
    const text = formatSimulationSummary(sampleLoad({ errorsByStatus: { '503': 2, '429': 5 } }));
    expect(text).toContain('sent      2,000 requests, 1,000,000 readings');
    expect(text).toContain('errors    429: 5, 503: 2');
    expect(text).toContain('latency   p50 40.0 ms, p95 72.0 ms, p99 90.0 ms');
    expect(text).toContain('achieved  50,000 readings/s, 100 requests/s');
  });

  it('when the saver wrote between two scrapes, then its transactions, sizes, times and busy share come out', () => {
    const scrape = (count: number, seconds: number, rows: number) =>
      parsePrometheusText(
        `saver_write_seconds_count{service="saver"} ${count}\nsaver_write_seconds_sum{service="saver"} ${seconds}\nsaver_batch_rows_sum{service="saver"} ${rows}\n`,
      );
    expect(saverWrites(scrape(10, 1, 10_000), scrape(110, 6, 510_000), 10)).toEqual({
      transactions: 100,
      rowsPerTransaction: 5000,
      msPerTransaction: 50,
      busyShare: 0.5,
    });
    expect(saverWrites(scrape(1, 1, 1), scrape(1, 1, 1), 5).transactions).toBe(0);
  });
});
