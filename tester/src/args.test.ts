import { parseArgs, UsageError } from './args';

describe('parseArgs', () => {
  it('when no arguments are given, then every test runs with the default services file', () => {
    expect(parseArgs([])).toEqual({ help: false, list: false });
  });

  it('when -t lists names, then they are selected in the order given, blanks dropped', () => {
    expect(parseArgs(['-t', 'full, batch,,metrics']).tests).toEqual(['full', 'batch', 'metrics']);
  });

  it('when long forms with = are used, then they mean the same as the short ones', () => {
    expect(parseArgs(['--tests=full', '--config=other.yml'])).toEqual({
      tests: ['full'],
      configFile: 'other.yml',
      help: false,
      list: false,
    });
  });

  it('when -c names a file, then it is the services file', () => {
    expect(parseArgs(['-c', 'ci/services.yml']).configFile).toBe('ci/services.yml');
  });

  it('when -h or -l is given, then help or list is asked for', () => {
    expect(parseArgs(['-h']).help).toBe(true);
    expect(parseArgs(['--list']).list).toBe(true);
  });

  it.each([
    [['-t'], '-t needs a value'],
    [['-t', '-c', 'x'], '-t needs a value'],
    [['-t', ' , '], '-t needs at least one test name'],
    [['-c'], '-c needs a value'],
    [['-t', 'a', '-t', 'b'], '-t given twice'],
    [['--bogus'], 'unknown argument "--bogus"'],
    [['full'], 'unknown argument "full"'],
  ])('when the arguments are %j, then it is a usage error', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
