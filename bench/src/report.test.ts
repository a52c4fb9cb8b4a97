import { sampleResult } from '../fixtures/bench-result';
import { renderJson, renderMarkdown } from './report';

describe('report', () => {
  it('when the sample result is rendered, then the markdown holds the machine, the verdicts and the ratios', () => {
    const md = renderMarkdown(sampleResult());
    expect(md).toContain('# Metrics bench, 2026-07-01');
    expect(md).toContain('| CPU | AMD EPYC, 2 cores |');
    expect(md).toContain('| Kafka | 3.9.2 |');
    expect(md).toContain(
      '| Receiver, single-reading requests | >= 5,000 requests/s | 4,000 requests/s | ❌ missed by 20% |',
    );
    expect(md).toContain('| Saver | 40,000 rows/s | raw PostgreSQL ingest (COPY, no index) | 200,000 rows/s | 20% |');
    expect(md).toContain(
      '| Hourly statistics, 30 days (API) | 25.0 ms | same buckets from raw readings (SQL) | 900 ms | 36.0x faster |',
    );
    expect(md).toContain('| single | 1 | 64 | max | 4,000 | 4,000 | 40.0 / 72.0 / 90.0 | 429: 3 |');
    expect(md).toContain(
      '| 200 → event produced by the processor (its Kafka timestamp) | 1,000 | 20.0 | 48.0 | 60.0 | 120 |',
    );
    expect(md).toContain('| saver | saver | 300 | 60 / 250 | 20 |');
    expect(md).toContain('| statistics | assessor | 90 | - | - |');
    expect(md).toContain('**30,000/s stored**');
    expect(md).toContain('| e2e | 0.50 | 0.30 | 0.40 | 0.20 | 0.30 | 0.20 | 0.05 | 0.80 |');
    expect(md).not.toContain('Quick run');
    expect(md.endsWith('\n')).toBe(true);
  });

  it('when the run was quick, then the report says so at the top', () => {
    const md = renderMarkdown({ ...sampleResult(), quick: true });
    expect(md.split('\n').slice(0, 4).join('\n')).toContain('Quick run (BENCH_QUICK=1)');
  });

  it('when a cell holds a pipe, then it is escaped so the table keeps its columns', () => {
    const r = sampleResult();
    r.serviceSettings = { 'A|B': 'x | y' };
    expect(renderMarkdown(r)).toContain('| `A\\|B` | x \\| y |');
  });

  it('when rendered twice, then the bytes are the same; the JSON carries the targets and ratios', () => {
    const r = sampleResult();
    expect(renderMarkdown(r)).toBe(renderMarkdown(r));
    const json = JSON.parse(renderJson(r));
    expect(json.targets).toHaveLength(7);
    expect(json.ratios.length).toBeGreaterThan(5);
    expect(json.limits.kafkaSendBatch.perSecond).toBe(100_000);
  });
});
