// Who is using the dashboard: the token (from the login form, or the `?token=` link `make run` prints,
// which is taken out of the address bar at once so it stays out of history and screenshots) and what
// its role allows. The token is kept in sessionStorage (this tab), or in localStorage when the user
// asks to be remembered on this device; it is sent only as `Authorization: Bearer`.

export type Role = 'sensor' | 'viewer' | 'operator' | 'admin';

export interface Identity {
  name: string;
  role: Role;
  /** how the role was learnt: GET /api/v1/me, or guessed on a server without it */
  source: 'me' | 'probe' | 'anonymous';
}

const KEY = 'metrics.dashboard.token';
const RANK: Record<Role, number> = { sensor: 0, viewer: 1, operator: 2, admin: 3 };

let identity: Identity = { name: 'anonymous', role: 'viewer', source: 'anonymous' };

function storages(): Storage[] {
  const out: Storage[] = [];
  try {
    out.push(window.sessionStorage, window.localStorage);
  } catch {
    // storage disabled (a privacy mode): the token lives for this page only
  }
  return out;
}

let memoryToken: string | null = null;

export function currentToken(): string | null {
  for (const s of storages()) {
    const t = s.getItem(KEY);
    if (t) return t;
  }
  return memoryToken;
}

export function storeToken(token: string, remember: boolean): void {
  forgetToken();
  memoryToken = token;
  try {
    (remember ? window.localStorage : window.sessionStorage).setItem(KEY, token);
  } catch {
    // kept in memory only
  }
}

export function forgetToken(): void {
  memoryToken = null;
  for (const s of storages()) s.removeItem(KEY);
  identity = { name: 'anonymous', role: 'viewer', source: 'anonymous' };
}

/**
 * Takes `?token=` out of the page's address (it would stay in history, bookmarks and screenshots)
 * and keeps it for this tab. Returns whether there was one.
 */
export function adoptTokenFromUrl(location: Location, history: History): boolean {
  const url = new URL(location.href);
  const token = url.searchParams.get('token');
  if (token === null) return false;
  url.searchParams.delete('token');
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
  if (token) storeToken(token, false);
  return token !== '';
}

export const currentIdentity = (): Identity => identity;
export function setIdentity(next: Identity): void {
  identity = next;
}

/** Whether the current token's role includes `role` (the controls of a higher role are not shown). */
export const can = (role: Role): boolean => RANK[identity.role] >= RANK[role];

export const isRole = (value: unknown): value is Role =>
  value === 'sensor' || value === 'viewer' || value === 'operator' || value === 'admin';
