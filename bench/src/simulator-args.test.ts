import { DEFAULT_ARGS, parseSimulatorArgs, UsageError } from './simulator-args';

describe('simulator-args', () => {
  it('when no argument is given, then the defaults apply', () => {
    expect(parseSimulatorArgs([])).toEqual({ ...DEFAULT_ARGS, metrics: ['temperature'] });
  });

  it('when every option is given, then each is parsed, with --flag value or --flag=value', () => {
    const args = parseSimulatorArgs([
      '--url=http://localhost:9000/',
      '--sensors',
      '50',
      '--rate',
      '0',
      '--duration=2.5',
      '--metrics',
      'temperature,humidity',
      '--over-threshold',
      '0.5',
      '--mode',
      'batch',
      '--batch-size',
      '20',
      '--concurrency',
      '4',
      '--seed',
      '9',
      '--poster',
      'raw',
    ]);
    expect(args).toEqual({
      url: 'http://localhost:9000',
      sensors: 50,
      rate: 0,
      durationS: 2.5,
      metrics: ['temperature', 'humidity'],
      overThreshold: 0.5,
      mode: 'batch',
      batchSize: 20,
      concurrency: 4,
      poster: 'raw',
      seed: 9,
      help: false,
    });
  });

  it.each([
    [['--sensors', '0'], '--sensors must be an integer of 1 or more'],
    [['--rate', '-5'], '--rate must be a number 0 or more'],
    [['--over-threshold', '1.5'], '--over-threshold must be a number from 0 to 1'],
    [['--mode', 'bulk'], '--mode must be single or batch'],
    [['--metrics', 'Temp'], '--metrics must be metric names'],
    [['--metrics', 'a,a'], 'lists a metric twice'],
    [['--url', 'nope'], '--url must be a URL'],
    [['--url', 'https://x'], 'http://'],
    [['--rate'], '--rate needs a value'],
    [['--rate', '--sensors', '2'], '--rate needs a value'],
    [['--seed', '1', '--seed', '2'], '--seed given twice'],
    [['-x'], 'unknown argument "-x"'],
  ])('when given %j, then a usage error says %s', (argv, message) => {
    expect(() => parseSimulatorArgs(argv)).toThrow(UsageError);
    expect(() => parseSimulatorArgs(argv)).toThrow(message);
  });

  it('when --help is given, then help is set', () => {
    expect(parseSimulatorArgs(['-h']).help).toBe(true);
  });
});
