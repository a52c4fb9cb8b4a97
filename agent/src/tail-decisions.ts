// The `tail -F` state machine of one followed path, pure: given what the agent knew of the file and
// what stat says now, where to read from. The tailer (log-tailer.ts) does the I/O.
//
// A file is known by its identity (device, inode, birth time: an inode number may be reused after a
// delete) and a generation, increased at each truncation, so that (identity, generation, offset) names
// one line for ever: it is the line's client id, and a line sent again after a crash is stored once.

export interface FileIdentity {
  dev: number;
  ino: number;
  /** birth time in ms (0 where the file system does not keep it) */
  birthMs: number;
}

export interface Position extends FileIdentity {
  /** truncations seen of this file */
  generation: number;
  /** bytes of the file read and delivered (the next line starts here) */
  offset: number;
}

export interface Seen extends FileIdentity {
  size: number;
}

export type Decision =
  /** nothing to read: the path does not exist (yet) */
  | { kind: 'wait' }
  /** read from position.offset (maybe nothing new) */
  | { kind: 'read'; position: Position }
  /**
   * the path names another file than the one followed: read what is left of the old one (still open,
   * or found again under its rotated name), then the new one from `position`
   */
  | { kind: 'rotated'; position: Position }
  /** the file became shorter than what was read: it was truncated; read it again from the start */
  | { kind: 'truncated'; position: Position };

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.birthMs === b.birthMs;
}

function identity(s: FileIdentity): FileIdentity {
  return { dev: s.dev, ino: s.ino, birthMs: s.birthMs };
}

/**
 * Where to read `seen` (undefined: the path is missing) from, given `known` (the position followed
 * or saved; undefined: this path was never read) and whether this is the agent's first look at the
 * path ever (no saved state): a file there at the first start is followed from its end, as `tail -F`
 * does; any file that appears later is new and read from its start.
 */
export function decide(known: Position | undefined, seen: Seen | undefined, firstLook: boolean): Decision {
  if (!seen) return { kind: 'wait' };
  if (!known) {
    const offset = firstLook ? seen.size : 0;
    return { kind: 'read', position: { ...identity(seen), generation: 0, offset } };
  }
  if (!sameFile(known, seen)) return { kind: 'rotated', position: { ...identity(seen), generation: 0, offset: 0 } };
  if (seen.size < known.offset) {
    return { kind: 'truncated', position: { ...known, generation: known.generation + 1, offset: 0 } };
  }
  return { kind: 'read', position: known };
}

/** The client id of the line at `offset` of a file: unique per (identity, generation, offset), in the sensor-id charset. */
export function lineId(p: Position, offset: number): string {
  return `${p.dev.toString(36)}.${p.ino.toString(36)}.${Math.floor(p.birthMs).toString(36)}.${p.generation}.${offset}`;
}
