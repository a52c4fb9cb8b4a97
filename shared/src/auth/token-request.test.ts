import { parseTokenRequest } from './token-request';

describe('token requests', () => {
  it('accepts each role, sensor tokens with patterns', () => {
    expect(parseTokenRequest({ name: 'ops', role: 'operator' })).toEqual({
      ok: true,
      token: { name: 'ops', role: 'operator', sensors: [] },
    });
    expect(parseTokenRequest({ name: 'gw-7', role: 'sensor', sensors: ['site-7-*'] })).toEqual({
      ok: true,
      token: { name: 'gw-7', role: 'sensor', sensors: ['site-7-*'] },
    });
  });

  it.each([
    [null, ['body']],
    [[], ['body']],
    [{}, ['name', 'role']],
    [{ name: '', role: 'viewer' }, ['name']],
    [{ name: 'a b', role: 'viewer' }, ['name']],
    [{ name: 'x'.repeat(65), role: 'viewer' }, ['name']],
    [{ name: 'a\u0000b', role: 'viewer' }, ['name']],
    [{ name: 'a', role: 'root' }, ['role']],
    [{ name: 'a', role: 'sensor' }, ['sensors']],
    [{ name: 'a', role: 'sensor', sensors: [] }, ['sensors']],
    [{ name: 'a', role: 'sensor', sensors: ['ok', 'no good'] }, ['sensors[1]']],
    [{ name: 'a', role: 'viewer', sensors: ['x'] }, ['sensors']],
    [{ name: 'a', role: 'viewer', token: 'mine' }, ['token']],
  ])('refuses %j naming %j', (body, fields) => {
    const parsed = parseTokenRequest(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.map((e) => e.field)).toEqual(fields);
  });
});
