// The tailer's saved positions: one JSON file under AGENT_STATE_DIR, replaced atomically (written
// beside it, fsynced, renamed), so a crash leaves the old state or the new one, never half of one.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Position } from './tail-decisions';

export interface TailState {
  /** per followed path: its position, or null for a path looked at (so it was missing) */
  files: Record<string, Position | null>;
}

/** The saved state, or undefined when there is none yet (the agent's first start). */
export async function loadTailState(file: string): Promise<TailState | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<TailState>;
  if (!parsed || typeof parsed.files !== 'object' || parsed.files === null) {
    throw new Error(`${file} is not a tail state file`);
  }
  return { files: parsed.files };
}

export async function saveTailState(file: string, state: TailState): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await fs.open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(JSON.stringify(state));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
}
