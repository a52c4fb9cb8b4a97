// Command-line arguments of the tester. Pure: argv in, options or a usage error out.

export interface CliOptions {
  /** test names given with -t, in the order given; undefined: every test */
  tests?: string[];
  /** -c: the services file */
  configFile?: string;
  help: boolean;
  /** -l: list the tests and exit */
  list: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: node dist/tester/src/cli.js [-t name1,name2] [-c services.yml] [-l] [-h]

Runs the integration tests against a running Metrics stack (make run) and prints one line per test,
then "N passed, N failed". Exit code: 0 all selected tests passed, 1 some failed, 2 usage or
configuration error.

  -t, --tests name1,name2   run only these tests (default: all)
  -c, --config file         services file (default: tester/resources/services.yml)
  -l, --list                list the tests and exit
  -h, --help                this help`;

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { help: false, list: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = splitInline(arg);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('-'))) {
        throw new UsageError(`${flag} needs a value`);
      }
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        options.help = true;
        break;
      case '-l':
      case '--list':
        options.list = true;
        break;
      case '-t':
      case '--tests': {
        if (options.tests) throw new UsageError(`${flag} given twice; list the tests once, comma-separated`);
        const names = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (names.length === 0) throw new UsageError(`${flag} needs at least one test name`);
        options.tests = names;
        break;
      }
      case '-c':
      case '--config':
        if (options.configFile) throw new UsageError(`${flag} given twice`);
        options.configFile = value();
        break;
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return options;
}

/** "--tests=a,b" → ["--tests", "a,b"]; "-tfull" stays one unknown argument (no clustering of short flags). */
function splitInline(arg: string): [string, string | undefined] {
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    if (eq > 0) return [arg.slice(0, eq), arg.slice(eq + 1)];
  }
  return [arg, undefined];
}
