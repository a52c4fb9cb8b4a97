// The first admin token, so that someone can create the others: taken from METRICS_ADMIN_TOKEN, or
// read from <state dir>/admin-token, which the first start generates (mode 0600, like Jupyter's
// token). Every assessor start makes sure the token named `admin` is that one, so the link `make run`
// prints always works; to replace it, delete the file (or change the variable) and restart.
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../logger';
import type { TokenStore } from './token-store';
import { generateToken, hashToken, TOKEN_SYNTAX } from './tokens';

export const ADMIN_TOKEN_NAME = 'admin';
export const ADMIN_TOKEN_FILE = 'admin-token';

export async function bootstrapAdminToken(deps: {
  store: Pick<TokenStore, 'put' | 'findByHash'>;
  stateDir: string;
  /** METRICS_ADMIN_TOKEN; '' when unset */
  adminToken: string;
  logger: Logger;
}): Promise<{ source: 'environment' | 'file' | 'generated'; file?: string }> {
  const { store, logger } = deps;
  const ensure = async (token: string) => {
    const found = await store.findByHash(hashToken(token));
    if (found?.name === ADMIN_TOKEN_NAME && found.role === 'admin') return;
    await store.put(token, { name: ADMIN_TOKEN_NAME, role: 'admin' });
  };
  if (deps.adminToken) {
    await ensure(deps.adminToken);
    logger.info({ name: ADMIN_TOKEN_NAME }, 'admin token from METRICS_ADMIN_TOKEN');
    return { source: 'environment' };
  }
  const file = path.resolve(deps.stateDir, ADMIN_TOKEN_FILE);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  let source: 'file' | 'generated' = 'generated';
  let token = generateToken();
  // Written whole under a temporary name, then linked into place: link fails if the file exists, so
  // several instances starting at once on one state folder agree on the first one's token, and none
  // ever reads a half-written file.
  const temporary = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, `${token}\n`, { flag: 'wx', mode: 0o600 });
    await link(temporary, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || (err as NodeJS.ErrnoException).syscall !== 'link')
      throw err;
    source = 'file';
    token = (await readFile(file, 'utf8')).trim();
    if (!TOKEN_SYNTAX.test(token)) {
      throw new Error(
        `${file} does not hold a valid token (22 or more characters); delete it to have a new one generated`,
      );
    }
    if (((await stat(file)).mode & 0o077) !== 0) {
      await chmod(file, 0o600);
      logger.warn({ file }, 'the admin token file was readable by others; made it 0600');
    }
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  await ensure(token);
  logger.info(
    { name: ADMIN_TOKEN_NAME, file },
    source === 'generated' ? 'admin token generated' : 'admin token from the state folder',
  );
  return { source, file };
}
