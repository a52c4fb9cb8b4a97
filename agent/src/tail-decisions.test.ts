import { decide, lineId, type Position } from './tail-decisions';

const file = { dev: 2049, ino: 77, birthMs: 1_700_000_000_000 };
const at = (offset: number, generation = 0): Position => ({ ...file, generation, offset });

describe('decide', () => {
  test('a missing path: wait (whether known or not)', () => {
    expect(decide(undefined, undefined, true)).toEqual({ kind: 'wait' });
    expect(decide(at(10), undefined, false)).toEqual({ kind: 'wait' });
  });

  test("a file there at the agent's first start is followed from its end", () => {
    expect(decide(undefined, { ...file, size: 500 }, true)).toEqual({ kind: 'read', position: at(500) });
  });

  test('a file that appears later (the path was looked at before) is read from its start', () => {
    expect(decide(undefined, { ...file, size: 500 }, false)).toEqual({ kind: 'read', position: at(0) });
  });

  test('the same file, grown or not: read on from the position (also after a restart)', () => {
    expect(decide(at(100), { ...file, size: 500 }, false)).toEqual({ kind: 'read', position: at(100) });
    expect(decide(at(500), { ...file, size: 500 }, false)).toEqual({ kind: 'read', position: at(500) });
  });

  test('shorter than the position: truncated, read again from 0 in the next generation', () => {
    expect(decide(at(500, 1), { ...file, size: 20 }, false)).toEqual({ kind: 'truncated', position: at(0, 2) });
  });

  test('another inode (rename + create), or the same inode number born again: rotated, the new one from 0', () => {
    const renamed = { ...file, ino: 78, size: 5 };
    expect(decide(at(500), renamed, false)).toEqual({
      kind: 'rotated',
      position: { dev: 2049, ino: 78, birthMs: file.birthMs, generation: 0, offset: 0 },
    });
    const reborn = { ...file, birthMs: file.birthMs + 5000, size: 900 };
    expect(decide(at(500), reborn, false).kind).toBe('rotated');
  });
});

test('line ids: in the sensor-id charset, distinct per file, generation and offset', () => {
  const ids = [lineId(at(0), 0), lineId(at(0), 10), lineId(at(0, 1), 0), lineId({ ...at(0), ino: 78 }, 0)];
  for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  expect(new Set(ids).size).toBe(ids.length);
  expect(lineId(at(0), 10)).toBe(lineId(at(5), 10)); // the position's offset is not part of it: the line's is
});
