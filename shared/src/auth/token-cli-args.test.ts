import { parseTokenCliArgs, TokenCliUsageError } from './token-cli-args';

describe('make token arguments', () => {
  it('creates with a name and a role, and sensor patterns for a sensor token', () => {
    expect(parseTokenCliArgs(['--name', 'ops', '--role', 'operator'])).toEqual({
      command: 'create',
      token: { name: 'ops', role: 'operator', sensors: [] },
    });
    expect(parseTokenCliArgs(['--name=gw', '--role=sensor', '--sensors', 'site-7-*, lab-1'])).toEqual({
      command: 'create',
      token: { name: 'gw', role: 'sensor', sensors: ['site-7-*', 'lab-1'] },
    });
  });

  it('lists, revokes, helps', () => {
    expect(parseTokenCliArgs(['--list'])).toEqual({ command: 'list' });
    expect(parseTokenCliArgs(['--revoke', 'ops'])).toEqual({ command: 'revoke', name: 'ops' });
    expect(parseTokenCliArgs(['--help'])).toEqual({ command: 'help' });
  });

  it.each([
    [[]],
    [['--name', 'ops']],
    [['--name', 'ops', '--role', 'root']],
    [['--name', 'gw', '--role', 'sensor']],
    [['--list', '--revoke', 'x']],
    [['--name']],
    [['--bogus']],
  ])('refuses %j with a usage error', (argv) => {
    expect(() => parseTokenCliArgs(argv)).toThrow(TokenCliUsageError);
  });
});
