// Command-line arguments of the simulator. Pure: argv in, options or a usage error out.
import { METRIC_NAME } from '../../shared/src';
import type { RequestMode } from './reading-bodies';

export interface SimulatorArgs {
  url: string;
  sensors: number;
  /** readings per second, all sensors together; 0 = as fast as `concurrency` allows */
  rate: number;
  durationS: number;
  metrics: string[];
  overThreshold: number;
  mode: RequestMode;
  batchSize: number;
  concurrency: number;
  seed: number;
  /** client: the client library's one-off requests; raw: a bare http.request (the client bench's baseline) */
  poster: 'client' | 'raw';
  help: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const DEFAULT_ARGS: Readonly<SimulatorArgs> = Object.freeze({
  url: 'http://127.0.0.1:8080',
  sensors: 100,
  rate: 1000,
  durationS: 10,
  metrics: ['temperature'],
  overThreshold: 0.3,
  mode: 'single' as RequestMode,
  batchSize: 100,
  concurrency: 32,
  seed: 1,
  poster: 'client' as const,
  help: false,
});

export const USAGE = `Usage: node dist/bench/src/simulator.js [options]      (make simulate ARGS="...")

Sensors posting readings to a running receiver, paced at a total rate; prints what was sent and
accepted, errors by status, request latency and the rate achieved.

  --url URL              receiver base URL (default ${DEFAULT_ARGS.url})
  --sensors N            sensors, used round robin (default ${DEFAULT_ARGS.sensors})
  --rate R               readings per second, all sensors together; 0 = as fast as possible with
                         --concurrency requests in flight (default ${DEFAULT_ARGS.rate})
  --duration S           seconds to send for (default ${DEFAULT_ARGS.durationS})
  --metrics a,b          metrics of every sensor body (default ${DEFAULT_ARGS.metrics.join(',')})
  --over-threshold F     share (0..1) of temperature readings >= 95, the default rule (default ${DEFAULT_ARGS.overThreshold})
  --mode single|batch    single: POST /api/v1/sensors/{id}/measurements, one sensor body per request;
                         batch: POST /api/v1/measurements with --batch-size sensor bodies (default ${DEFAULT_ARGS.mode})
  --batch-size N         sensor bodies per batch request; readings per request = N x metrics (default ${DEFAULT_ARGS.batchSize})
  --concurrency N        most requests in flight (default ${DEFAULT_ARGS.concurrency})
  --poster client|raw    client: through the client library (one attempt, uncompressed); raw: a bare
                         http.request, the baseline of the client bench (default ${DEFAULT_ARGS.poster})
  --seed N               seed of the values (default ${DEFAULT_ARGS.seed})
  -h, --help             this help

Exit code: 0 when every request was answered 200, 1 otherwise, 2 on a usage error.`;

const integer = (flag: string, text: string, min: number): number => {
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${flag} must be an integer of ${min} or more (got ${JSON.stringify(text)})`);
  }
  return n;
};

const decimal = (flag: string, text: string, min: number, max = Number.POSITIVE_INFINITY): number => {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    const range = max === Number.POSITIVE_INFINITY ? `${min} or more` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} must be a number ${range} (got ${JSON.stringify(text)})`);
  }
  return n;
};

export function parseSimulatorArgs(argv: readonly string[]): SimulatorArgs {
  const options: SimulatorArgs = { ...DEFAULT_ARGS, metrics: [...DEFAULT_ARGS.metrics] };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (flag === '-h' || flag === '--help') {
      options.help = true;
      continue;
    }
    if (seen.has(flag)) throw new UsageError(`${flag} given twice`);
    seen.add(flag);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) {
        throw new UsageError(`${flag} needs a value`);
      }
      return v;
    };
    switch (flag) {
      case '--url': {
        const v = value();
        let url: URL;
        try {
          url = new URL(v);
        } catch {
          throw new UsageError(`--url must be a URL such as http://127.0.0.1:8080 (got ${JSON.stringify(v)})`);
        }
        if (url.protocol !== 'http:') throw new UsageError('--url must be an http:// URL');
        options.url = v.replace(/\/+$/, '');
        break;
      }
      case '--sensors':
        options.sensors = integer(flag, value(), 1);
        break;
      case '--rate':
        options.rate = decimal(flag, value(), 0);
        break;
      case '--duration':
        options.durationS = decimal(flag, value(), 0.1);
        break;
      case '--metrics': {
        const names = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const bad = names.filter((m) => !METRIC_NAME.test(m));
        if (names.length === 0 || bad.length) {
          throw new UsageError(
            `--metrics must be metric names ([a-z][a-z0-9_]*), comma-separated (bad: ${bad.join(', ')})`,
          );
        }
        if (new Set(names).size !== names.length) throw new UsageError('--metrics lists a metric twice');
        options.metrics = names;
        break;
      }
      case '--over-threshold':
        options.overThreshold = decimal(flag, value(), 0, 1);
        break;
      case '--mode': {
        const v = value();
        if (v !== 'single' && v !== 'batch') throw new UsageError('--mode must be single or batch');
        options.mode = v;
        break;
      }
      case '--poster': {
        const v = value();
        if (v !== 'client' && v !== 'raw') throw new UsageError('--poster must be client or raw');
        options.poster = v;
        break;
      }
      case '--batch-size':
        options.batchSize = integer(flag, value(), 1);
        break;
      case '--concurrency':
        options.concurrency = integer(flag, value(), 1);
        break;
      case '--seed':
        options.seed = integer(flag, value(), 0);
        break;
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return options;
}
