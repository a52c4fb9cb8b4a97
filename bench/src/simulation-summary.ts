// The simulator's closing lines. Pure.
import type { SimulationResult } from './simulation';

export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
export const ms = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

export function formatSimulationSummary(result: SimulationResult): string {
  const errors = Object.entries(result.errorsByStatus).sort(([a], [b]) => a.localeCompare(b));
  const target =
    result.targetRate > 0
      ? `target ${int(result.targetRate)} readings/s`
      : `as fast as possible, ${result.concurrency} in flight`;
  const l = result.latencyMs;
  return [
    `mode ${result.mode}, ${result.readingsPerRequest} readings per request, ${target}, ${result.elapsedS.toFixed(1)} s`,
    `sent      ${int(result.requestsSent)} requests, ${int(result.readingsSent)} readings`,
    `accepted  ${int(result.requestsAccepted)} requests, ${int(result.readingsAccepted)} readings`,
    `errors    ${errors.length ? errors.map(([status, n]) => `${status}: ${int(n)}`).join(', ') : 'none'}`,
    `latency   p50 ${ms(l.p50)} ms, p95 ${ms(l.p95)} ms, p99 ${ms(l.p99)} ms, max ${ms(l.max)} ms`,
    `achieved  ${int(result.readingsPerSecond)} readings/s, ${int(result.requestsPerSecond)} requests/s`,
  ].join('\n');
}
