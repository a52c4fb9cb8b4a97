// The load simulator's entry point (`make simulate ARGS="..."`): arguments, a progress bar on a
// terminal, the run, the summary on stdout. The engine is simulation.ts, re-exported here so the
// bench (and anyone else) can `import { runSimulation } from './simulator'`.
import { SingleBar } from 'cli-progress';
import { parseSimulatorArgs, USAGE, UsageError } from './simulator-args';
import { runSimulation, type SimulationProgress } from './simulation';
import { formatSimulationSummary, int } from './simulation-summary';

export { runSimulation, type SimulationOptions, type SimulationResult } from './simulation';

export async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseSimulatorArgs>;
  try {
    args = parseSimulatorArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  // payload names must not clash with cli-progress's own placeholders ({duration}, {eta}, {value}...)
  const bar = process.stderr.isTTY
    ? new SingleBar({
        stream: process.stderr,
        format:
          '{bar} {percentage}% | {secs}/{totalSecs} s | {accepted} readings accepted | {rate}/s | {errors} errors',
        barsize: 30,
        hideCursor: true,
        clearOnComplete: true,
      })
    : undefined;
  const durationS = args.durationS;
  bar?.start(Math.round(durationS * 10), 0, {
    secs: '0.0',
    totalSecs: durationS.toFixed(1),
    accepted: '0',
    rate: '0',
    errors: '0',
  });
  const onProgress = (p: SimulationProgress) => {
    const seconds = p.elapsedMs / 1000;
    bar?.update(Math.round(seconds * 10), {
      secs: seconds.toFixed(1),
      totalSecs: durationS.toFixed(1),
      accepted: int(p.readingsAccepted),
      rate: int(seconds > 0 ? p.readingsAccepted / seconds : 0),
      errors: int(p.errors),
    });
  };

  try {
    const result = await runSimulation({ ...args, onProgress: bar ? onProgress : undefined });
    bar?.stop();
    process.stdout.write(`${formatSimulationSummary(result)}\n`);
    return result.requestsSent > 0 && result.requestsAccepted === result.requestsSent ? 0 : 1;
  } finally {
    bar?.stop();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`simulator failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
