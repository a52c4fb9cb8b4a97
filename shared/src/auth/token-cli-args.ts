// The arguments of `make token` (token-cli.ts). Pure.
import type { FieldError } from '../http/app-error';
import type { NewToken } from './token-store';
import { parseTokenRequest } from './token-request';

export const TOKEN_CLI_USAGE = `Usage: make token ARGS="..."
  --name NAME --role ROLE [--sensors 'PATTERN,...']   create a token (printed once on stdout)
  --list                                               list the tokens (no secrets)
  --revoke NAME                                        revoke a token
Roles: sensor (posts readings for its --sensors patterns, e.g. 'site-7-*'), viewer, operator, admin.
It connects to PostgreSQL with DATABASE_URL (the same settings as the services).`;

export type TokenCommand =
  | { command: 'create'; token: NewToken }
  | { command: 'list' }
  | { command: 'revoke'; name: string }
  | { command: 'help' };

export class TokenCliUsageError extends Error {
  override readonly name = 'TokenCliUsageError';
}

const describe = (errors: FieldError[]) => errors.map((e) => `--${e.field.replace(/\[\d+\]$/, '')}: ${e.message}`);

export function parseTokenCliArgs(argv: readonly string[]): TokenCommand {
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [key, inline] = arg.startsWith('--') ? arg.slice(2).split(/=(.*)/s, 2) : [undefined, undefined];
    if (key === 'help' || arg === '-h') return { command: 'help' };
    if (key === 'list') {
      flags.add('list');
      continue;
    }
    if (key === 'name' || key === 'role' || key === 'sensors' || key === 'revoke') {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new TokenCliUsageError(`--${key} needs a value`);
      values[key] = value;
      continue;
    }
    throw new TokenCliUsageError(`unknown argument: ${arg}`);
  }
  const commands = [flags.has('list'), 'revoke' in values, 'name' in values || 'role' in values].filter(Boolean);
  if (commands.length !== 1) throw new TokenCliUsageError('give --name and --role, or --list, or --revoke NAME');
  if (flags.has('list')) return { command: 'list' };
  if ('revoke' in values) return { command: 'revoke', name: values.revoke };
  const parsed = parseTokenRequest({
    name: values.name,
    role: values.role,
    ...(values.sensors !== undefined
      ? {
          sensors: values.sensors
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : {}),
  });
  if (!parsed.ok) throw new TokenCliUsageError(describe(parsed.errors).join('\n'));
  return { command: 'create', token: parsed.token };
}
