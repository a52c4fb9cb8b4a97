import { CLIENT_ID, createIdSource, newEpoch } from './client-id';

describe('client ids', () => {
  it('are <epoch>-<sequence>, unique, within the contract charset, and stay short', () => {
    const ids = createIdSource('m1abc0001');
    const seen = Array.from({ length: 2000 }, () => ids.next());
    expect(seen.slice(0, 3)).toEqual(['m1abc0001-0', 'm1abc0001-1', 'm1abc0001-2']);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of seen) expect(id).toMatch(CLIENT_ID);
    expect(seen[1999]).toBe(`m1abc0001-${(1999).toString(36)}`);
  });

  it('when two processes start in the same millisecond, then their epochs differ by the random part', () => {
    const a = newEpoch(1_700_000_000_000, () => 0.1);
    const b = newEpoch(1_700_000_000_000, () => 0.7);
    expect(a).not.toBe(b);
    expect(a.startsWith((1_700_000_000_000).toString(36))).toBe(true);
    expect(`${a}-${Number.MAX_SAFE_INTEGER.toString(36)}`).toMatch(CLIENT_ID);
  });

  it('when an epoch is given, then it is used; outside the charset, then it is refused', () => {
    expect(createIdSource('agent.host-1').next()).toBe('agent.host-1-0');
    expect(() => createIdSource('has space')).toThrow(RangeError);
    expect(() => createIdSource('')).toThrow(RangeError);
    expect(() => createIdSource('x'.repeat(101))).toThrow(RangeError);
  });

  it('fresh epochs of one process differ', () => {
    expect(createIdSource().epoch).not.toBe(createIdSource().epoch);
  });
});
