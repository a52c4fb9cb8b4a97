import { metricSum, parsePrometheusText } from './prometheus-text';

const TEXT = `# HELP saver_rows_written_total Rows inserted, by table
# TYPE saver_rows_written_total counter
saver_rows_written_total{table="readings",service="saver"} 12000
saver_rows_written_total{table="events",service="saver"} 34
processor_consumer_lag{partition="0",service="processor"} 5
processor_consumer_lag{partition="1",service="processor"} 7
process_start_time_seconds{service="saver"} 1.7e9
odd{label="a \\"quoted\\" value"} +Inf
`;

describe('prometheus-text', () => {
  it('when the text is parsed, then names, labels and values come out', () => {
    const samples = parsePrometheusText(TEXT);
    expect(samples).toHaveLength(6);
    expect(samples[0]).toEqual({
      name: 'saver_rows_written_total',
      labels: { table: 'readings', service: 'saver' },
      value: 12000,
    });
    expect(samples[4].value).toBe(1.7e9);
    expect(samples[5]).toEqual({ name: 'odd', labels: { label: 'a "quoted" value' }, value: Number.POSITIVE_INFINITY });
  });

  it('when a sum is asked with labels, then only matching samples count; without, all of that name', () => {
    const samples = parsePrometheusText(TEXT);
    expect(metricSum(samples, 'saver_rows_written_total', { table: 'readings' })).toBe(12000);
    expect(metricSum(samples, 'processor_consumer_lag')).toBe(12);
    expect(metricSum(samples, 'missing_metric')).toBe(0);
  });
});
