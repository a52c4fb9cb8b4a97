// The integration tester's entry point (`make test_run`): arguments, configuration, the tests, the
// report. Report lines go to stdout; the tester's own logs (pino) to stderr.
import { existsSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { createLogger } from '../../shared/src';
import { parseArgs, USAGE, UsageError } from './args';
import { createContext } from './context';
import { DiscoveryError, discoverTests } from './discovery';
import { exitCode, summaryLine } from './report';
import { runTests } from './runner';
import { selectTests } from './selection';
import { ConfigError, ENV_NAMES, loadServicesConfig } from './services-config';
import type { Test } from './test-definition';

/** tester/resources/services.yml, from the sources (tester/src) or from the build (dist/tester/src). */
export function defaultConfigFile(): string {
  const candidates = [
    path.resolve(__dirname, '../resources/services.yml'),
    path.resolve(__dirname, '../../../tester/resources/services.yml'),
  ];
  return candidates.find((file) => existsSync(file)) ?? candidates[0];
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function listTests(tests: readonly Test[]): string {
  const width = Math.max(...tests.map((t) => t.name.length));
  return tests.map((t) => `  ${t.name.padEnd(width)}  ${t.description}`).join('\n');
}

function wrap(words: readonly string[], width: number): string {
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + word.length + 1 <= width) lines[last] += ` ${word}`;
    else lines.push(`  ${word}`);
  }
  return lines.join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`${e.message}\n\n${USAGE}`);
    return 2;
  }

  let tests: Test[];
  try {
    tests = await discoverTests();
  } catch (e) {
    if (options.help) {
      out(USAGE);
      return 0;
    }
    if (!(e instanceof DiscoveryError)) throw e;
    err(e.message);
    return 2;
  }
  if (options.help) {
    out(
      `${USAGE}\n\nTests:\n${listTests(tests)}\n\nEnvironment (overrides the services file):\n${wrap(ENV_NAMES, 100)}`,
    );
    return 0;
  }
  if (options.list) {
    out(listTests(tests));
    return 0;
  }

  const selection = selectTests(tests, options.tests);
  if (!selection.ok) {
    err(
      `unknown test${selection.unknown.length > 1 ? 's' : ''}: ${selection.unknown.join(', ')}; the tests are ${tests.map((t) => t.name).join(', ')}`,
    );
    return 2;
  }

  let config: ReturnType<typeof loadServicesConfig>;
  try {
    config = loadServicesConfig(options.configFile ?? defaultConfigFile(), process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(e.message);
    return 2;
  }

  const logger = createLogger({ name: 'tester', level: config.logLevel }, pino.destination({ dest: 2, sync: true }));
  const { ctx, close } = createContext(config, logger);
  const cleanUp = async (): Promise<boolean> => {
    const failed = await close();
    for (const reason of failed) err(`cleanup failed: ${reason}`);
    return failed.length === 0;
  };
  // Ctrl-C (or SIGTERM) during the run: undo what the tests changed (the rule set, a temporary token)
  // before exiting; a second one exits at once.
  const interrupted = (signal: NodeJS.Signals) => {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    err(`tester: ${signal}, cleaning up (again to exit at once)`);
    void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);
  let code = 1;
  try {
    const results = await runTests(selection.tests, ctx, { testTimeoutMs: config.testTimeoutMs, write: out });
    out(summaryLine(results));
    code = exitCode(results);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    if (!(await cleanUp())) code = 1;
  }
  return code;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      // exit once stdout is flushed: a test that timed out may still hold sockets open
      process.stdout.write('', () => process.exit(code));
    },
    (e: unknown) => {
      err(`tester failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(2);
    },
  );
}
