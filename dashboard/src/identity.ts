// What the current token may do, asked of the server: GET /api/v1/me ({name, role}). A server without
// that endpoint gets a probe instead: GET /api/v1/tokens answers 200 to an admin token only, so an
// admin is recognised; any other valid token is taken as a viewer (write controls hidden) because
// nothing else tells an operator from a viewer there.
import { api, ApiError, apiPath } from './api';
import { currentToken, type Identity, isRole } from './session';

export type IdentityAnswer = Identity | { invalid: true; reason: string };

export async function learnIdentity(token: string | null = currentToken()): Promise<IdentityAnswer> {
  try {
    const me = await api<{ name?: unknown; role?: unknown }>(apiPath('me'), { token });
    if (isRole(me?.role)) {
      return { name: typeof me.name === 'string' && me.name ? me.name : 'anonymous', role: me.role, source: 'me' };
    }
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 401)
      return {
        invalid: true,
        reason: token ? 'This token is not valid (or was revoked).' : 'This server needs a token.',
      };
    if (err.status !== 404) throw err;
  }
  if (!token) return { name: 'anonymous', role: 'viewer', source: 'anonymous' };
  try {
    await api(apiPath('tokens'), { token });
    return { name: 'admin token', role: 'admin', source: 'probe' };
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return { name: 'token', role: 'viewer', source: 'probe' };
    if (err instanceof ApiError && err.status === 401)
      return { invalid: true, reason: 'This token is not valid (or was revoked).' };
    throw err;
  }
}
