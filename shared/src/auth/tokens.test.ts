import { generateToken, hashToken, parseBearer, roleAllows, sameHash, TOKEN_SYNTAX } from './tokens';

describe('tokens', () => {
  it('when generated, then each is 43 base64url characters (256 bits) and different from the others', () => {
    const tokens = Array.from({ length: 1000 }, generateToken);
    expect(new Set(tokens).size).toBe(1000);
    for (const t of tokens) {
      expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(TOKEN_SYNTAX.test(t)).toBe(true);
    }
  });

  it('when hashed, then the hash is the base64url SHA-256, stable, and never the token', () => {
    const token = generateToken();
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashToken(token)).not.toContain(token);
    expect(hashToken('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  it('when hashes are compared, then only equal ones are the same', () => {
    const h = hashToken('x'.repeat(30));
    expect(sameHash(h, hashToken('x'.repeat(30)))).toBe(true);
    expect(sameHash(h, hashToken('y'.repeat(30)))).toBe(false);
    expect(sameHash(h, h.slice(1))).toBe(false);
  });

  it.each([
    [undefined, 'none'],
    ['', 'none'],
    ['Bearer abcdefghijklmnopqrstuvwxyz', 'token'],
    ['bearer abcdefghijklmnopqrstuvwxyz', 'token'],
    ['BEARER   abcdefghijklmnopqrstuvwxyz  ', 'token'],
    ['Bearer abc', 'malformed'],
    ['Bearer', 'malformed'],
    ['Bearer ', 'malformed'],
    ['Basic dXNlcjpwYXNzd29yZA==', 'malformed'],
    ['abcdefghijklmnopqrstuvwxyz', 'malformed'],
    ['Bearer abcdefghijkl mnopqrstuvwxyz', 'malformed'],
    ['Bearer abcdefghijklmnopqrstuvwxyz\u00e9', 'malformed'],
    [`Bearer ${'a'.repeat(513)}`, 'malformed'],
    [['Bearer abcdefghijklmnopqrstuvwxyz', 'Bearer abcdefghijklmnopqrstuvwxyz'], 'malformed'],
  ])('when the Authorization header is %j, then it is %s', (header, kind) => {
    const parsed = parseBearer(header as string | string[] | undefined);
    expect(parsed.kind).toBe(kind);
    if (parsed.kind === 'malformed' && typeof header === 'string' && header.length > 20)
      expect(parsed.message).not.toContain(header.slice(7));
  });

  it('roles: viewer < operator < admin, and sensor apart', () => {
    expect(roleAllows('admin', 'viewer')).toBe(true);
    expect(roleAllows('admin', 'operator')).toBe(true);
    expect(roleAllows('operator', 'viewer')).toBe(true);
    expect(roleAllows('operator', 'admin')).toBe(false);
    expect(roleAllows('viewer', 'operator')).toBe(false);
    expect(roleAllows('sensor', 'viewer')).toBe(false);
    expect(roleAllows('admin', 'sensor')).toBe(false);
    expect(roleAllows('sensor', 'sensor')).toBe(true);
  });
});
