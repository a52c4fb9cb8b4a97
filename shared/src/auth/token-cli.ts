// `make token ARGS="--name ops --role operator"`: tokens for operators who have none yet (or when the
// admin token is lost), straight in PostgreSQL. The new token goes alone to stdout (so a script can
// capture it); everything else to stderr.
import { loadConfig } from '../config';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { createLogger } from '../logger';
import { parseTokenCliArgs, TOKEN_CLI_USAGE, TokenCliUsageError } from './token-cli-args';
import { createTokenStore, TokenNameTaken } from './token-store';

const err = (line: string) => process.stderr.write(`${line}\n`);

export async function main(argv: readonly string[]): Promise<number> {
  let command: ReturnType<typeof parseTokenCliArgs>;
  try {
    command = parseTokenCliArgs(argv);
  } catch (e) {
    if (!(e instanceof TokenCliUsageError)) throw e;
    err(`${e.message}\n\n${TOKEN_CLI_USAGE}`);
    return 2;
  }
  if (command.command === 'help') {
    process.stdout.write(`${TOKEN_CLI_USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  const logger = createLogger({ name: 'token-cli', level: 'warn' });
  const pool = createPool({ ...config.postgres, poolSize: 1 }, logger);
  try {
    await migrate(pool, logger);
    const store = createTokenStore(pool);
    switch (command.command) {
      case 'create': {
        try {
          const { token, info } = await store.create(command.token);
          const sensors = info.sensors.length ? ` for sensors ${info.sensors.join(', ')}` : '';
          err(`token "${info.name}" (${info.role}${sensors}) created; it is shown this once:`);
          process.stdout.write(`${token}\n`);
          return 0;
        } catch (e) {
          if (!(e instanceof TokenNameTaken)) throw e;
          err(`a token named "${command.token.name}" exists; revoke it first (--revoke ${command.token.name})`);
          return 1;
        }
      }
      case 'list': {
        const tokens = await store.list();
        for (const t of tokens) {
          process.stdout.write(`${t.name}\t${t.role}\t${t.sensors.join(',') || '-'}\t${t.createdAt}\n`);
        }
        if (tokens.length === 0) err('no tokens');
        return 0;
      }
      case 'revoke': {
        const revoked = await store.revoke(command.name);
        err(
          revoked
            ? `token "${command.name}" revoked (every service refuses it within 5 s)`
            : `no token named "${command.name}"`,
        );
        return revoked ? 0 : 1;
      }
    }
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      err(`token: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
