// Follows log files as `tail -F` does (tail-decisions.ts decides, this module reads), gives each
// complete line to a sink with its client id, and saves the files' positions only after the sink
// says the lines are settled (sent, or refused by the receiver and dropped). A crash between the two
// re-sends those lines after the restart under the same ids: the receiver stores them once.
import { promises as fs, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { splitLines } from './line-splitter';
import { decide, type FileIdentity, lineId, type Position, sameFile, type Seen } from './tail-decisions';
import { loadTailState, saveTailState } from './tail-state-file';

export interface TailedLine {
  /** the followed path (not the rotated name the rest of an old file was read under) */
  source: string;
  text: string;
  id: string;
}

export interface LineSink {
  /** takes one line; may wait for room */
  line(line: TailedLine): Promise<void> | void;
  /** resolves once every line given is settled: true, or false when some were lost (not delivered, not refused) */
  flush(): Promise<boolean>;
}

export interface TailerOptions {
  paths: readonly string[];
  stateFile: string;
  sink: LineSink;
  logger: Logger;
  /** how often the files are looked at, ms */
  pollMs: number;
  /** most lines per round: the position is saved after each round, and the client's buffer stays small */
  maxLinesPerRound?: number;
  /** a line without its newline longer than this is sent as it is */
  maxLineBytes?: number;
}

interface Followed {
  path: string;
  /** delivered: the position saved */
  position?: Position;
  /** read and given to the sink in this round */
  pending?: Position;
  firstLook: boolean;
  handle?: FileHandle;
  handleId?: FileIdentity;
  /** the last problem logged, so each is logged once until it changes */
  problem?: string;
}

const READ_CHUNK = 256 * 1024;

export class LogTailer {
  private readonly files: Followed[];
  private readonly maxLines: number;
  private readonly maxLineBytes: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopping = false;
  private started = false;

  constructor(private readonly options: TailerOptions) {
    this.files = [...new Set(options.paths)].map((p) => ({ path: p, firstLook: true }));
    this.maxLines = options.maxLinesPerRound ?? 2000;
    this.maxLineBytes = options.maxLineBytes ?? 64 * 1024;
  }

  /** Loads the saved positions and starts following (the first round runs now). */
  async start(): Promise<void> {
    const state = await loadTailState(this.options.stateFile);
    for (const f of this.files) {
      if (state && f.path in state.files) {
        f.firstLook = false;
        f.position = state.files[f.path] ?? undefined;
      }
    }
    this.started = true;
    this.schedule(0);
  }

  /** Finishes the round under way (its lines are flushed and saved, or not saved when lost), then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
    for (const f of this.files) await this.closeHandle(f);
  }

  /** One round now (tests): reads what is new in every file, delivers it, saves the positions. */
  async round(): Promise<boolean> {
    let given = 0;
    let more = false;
    let changed = false;
    for (const f of this.files) {
      if (this.stopping) break;
      const before = f.pending ?? f.position;
      const wasFirst = f.firstLook;
      try {
        const r = await this.follow(f, this.maxLines - given);
        given += r.lines;
        more ||= r.more;
      } catch (err) {
        this.report(f, `cannot read: ${(err as Error).message}`, err);
      }
      if (wasFirst || !samePosition(before, f.pending ?? f.position)) changed = true;
    }
    if (!changed) return more;
    const delivered = given === 0 || (await this.options.sink.flush());
    if (!delivered) {
      // lines were lost (the client closed before it could send them): read them again next time
      for (const f of this.files) f.pending = undefined;
      return false;
    }
    for (const f of this.files) {
      if (f.pending) f.position = f.pending;
      f.pending = undefined;
    }
    const files: Record<string, Position | null> = {};
    for (const f of this.files) if (!f.firstLook) files[f.path] = f.position ?? null;
    await saveTailState(this.options.stateFile, { files });
    return more;
  }

  private schedule(ms: number): void {
    if (this.stopping || !this.started) return;
    this.timer = setTimeout(() => {
      this.running = this.round()
        .catch((err) => {
          this.options.logger.error({ err }, 'log tailing round failed');
          return false;
        })
        .then((more) => this.schedule(more ? 0 : this.options.pollMs));
    }, ms);
  }

  /** Reads what is new of one path, up to `budget` lines; `more` when the budget stopped it. */
  private async follow(f: Followed, budget: number): Promise<{ lines: number; more: boolean }> {
    let st: Stats | undefined;
    try {
      st = await fs.stat(f.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.report(f, `cannot stat: ${(err as Error).message}`, err);
        return { lines: 0, more: false };
      }
    }
    const seen: Seen | undefined = st && { ...identityOf(st), size: st.size };
    const known = f.pending ?? f.position;
    const decision = decide(known, seen, f.firstLook);
    f.firstLook = false;
    let lines = 0;
    switch (decision.kind) {
      case 'wait': {
        this.report(f, 'missing');
        // renamed away and not yet replaced: the writer may still append to it
        if (f.handle && known && sameFile(f.handleId!, known)) {
          const r = await this.readFrom(f, f.handle, known, budget, false);
          f.pending = r.position;
          return { lines: r.lines, more: r.more };
        }
        return { lines: 0, more: false };
      }
      case 'rotated': {
        // the rest of the old file first (its open handle, or found again under its rotated name)
        const old = known!;
        if (f.handle && sameFile(f.handleId!, old)) {
          const r = await this.readFrom(f, f.handle, old, budget, true);
          f.pending = r.position;
          if (r.more) return { lines: r.lines, more: true };
          lines += r.lines;
        } else {
          const r = await this.readRotatedAway(f, old, budget);
          if (r.more) return { lines: r.lines, more: true };
          lines += r.lines;
        }
        await this.closeHandle(f);
        this.options.logger.info({ file: f.path }, 'log file rotated: reading the new one from its start');
        f.pending = decision.position;
        break;
      }
      case 'truncated':
        this.options.logger.info({ file: f.path }, 'log file truncated: reading it from its start');
        f.pending = decision.position;
        break;
      case 'read':
        if (!known) f.pending = decision.position;
        break;
    }
    const position = (f.pending ?? f.position)!;
    if (!f.handle || !sameFile(f.handleId!, position)) {
      await this.closeHandle(f);
      const handle = await fs.open(f.path, 'r');
      const id = identityOf(await handle.stat());
      if (!sameFile(id, position)) {
        await handle.close(); // replaced between stat and open: the next round sees the new one
        return { lines, more: true };
      }
      f.handle = handle;
      f.handleId = id;
    }
    const r = await this.readFrom(f, f.handle, position, budget - lines, false);
    f.pending = r.position;
    if (f.problem !== undefined) {
      this.options.logger.info({ file: f.path }, 'log file readable again');
      f.problem = undefined;
    }
    return { lines: lines + r.lines, more: r.more };
  }

  /**
   * Lines of `handle` from `position` to its end (or `budget` lines). `final`: the file is left for
   * good (rotated), so a last line without its newline is sent too.
   */
  private async readFrom(
    f: Followed,
    handle: FileHandle,
    position: Position,
    budget: number,
    final: boolean,
  ): Promise<{ position: Position; lines: number; more: boolean }> {
    let offset = position.offset;
    let lines = 0;
    const buffer = Buffer.allocUnsafe(READ_CHUNK);
    reading: while (lines < budget) {
      const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, offset);
      if (bytesRead === 0) break;
      const atEnd = bytesRead < READ_CHUNK;
      const chunkOffset = offset;
      const split = splitLines(buffer.subarray(0, bytesRead), chunkOffset, this.maxLineBytes, final && atEnd);
      for (const line of split.lines) {
        if (lines >= budget) break reading;
        await this.options.sink.line({ source: f.path, text: line.text, id: lineId(position, line.offset) });
        lines += 1;
        offset = line.end;
      }
      offset = chunkOffset + split.consumed;
      if (atEnd || split.consumed === 0) break;
    }
    return { position: { ...position, offset }, lines, more: lines >= budget };
  }

  /** After a restart: the followed file was rotated while the agent was down; finish it under its new name. */
  private async readRotatedAway(f: Followed, old: Position, budget: number) {
    const dir = path.dirname(f.path);
    let names: string[] = [];
    try {
      names = await fs.readdir(dir);
    } catch {
      return { lines: 0, more: false };
    }
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        const st = await fs.stat(candidate);
        if (!st.isFile() || !sameFile(identityOf(st), old) || st.size <= old.offset) continue;
        const handle = await fs.open(candidate, 'r');
        try {
          const r = await this.readFrom(f, handle, old, budget, true);
          f.pending = r.position;
          return { lines: r.lines, more: r.more };
        } finally {
          await handle.close();
        }
      } catch {
        // gone meanwhile, or unreadable: nothing to finish
      }
    }
    return { lines: 0, more: false };
  }

  private async closeHandle(f: Followed): Promise<void> {
    const handle = f.handle;
    f.handle = undefined;
    f.handleId = undefined;
    await handle?.close().catch(() => {});
  }

  private report(f: Followed, problem: string, err?: unknown): void {
    if (f.problem === problem) return;
    f.problem = problem;
    this.options.logger.warn({ file: f.path, err }, `log file ${problem}`);
  }
}

function identityOf(st: Stats): FileIdentity {
  return { dev: st.dev, ino: st.ino, birthMs: Math.floor(st.birthtimeMs) };
}

function samePosition(a: Position | undefined, b: Position | undefined): boolean {
  if (!a || !b) return a === b;
  return sameFile(a, b) && a.generation === b.generation && a.offset === b.offset;
}
