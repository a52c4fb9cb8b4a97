// CPU used by each process group over a phase, in cores (1.0 = one core busy the whole time), plus
// "other": what the rest of the machine used meanwhile (another job on a shared machine shows here).
// A group may name a reaper (PostgreSQL's postmaster): the CPU of its children that exited during the
// phase (parallel query workers, backends) then counts too, instead of landing in "other".
import { pidStat, systemTicks, ticksPerSecond } from './proc-stats';

export interface PidGroup {
  pids: readonly number[];
  /** a pid of the group whose exited children belong to the group */
  reaper?: number;
}

export type PidGroups = Record<string, PidGroup>;

export interface CpuSnapshot {
  atMs: number;
  /** per group: ticks of its live processes (and of the reaper's exited children) */
  groups: Record<string, number>;
  systemBusy: number;
}

/** Cores used per group between two snapshots, and "other" (busy ticks of the machine not in a group). Pure. */
export function coresUsed(start: CpuSnapshot, end: CpuSnapshot, ticksPerS: number): Record<string, number> {
  const seconds = (end.atMs - start.atMs) / 1000;
  if (!(seconds > 0)) return {};
  const result: Record<string, number> = {};
  let grouped = 0;
  for (const [name, ticks] of Object.entries(end.groups)) {
    // a group that appeared during the phase used all of its ticks in it; one whose process exited
    // without a reaper loses them (clamped at 0)
    const used = Math.max(0, ticks - (start.groups[name] ?? 0));
    grouped += used;
    result[name] = used / ticksPerS / seconds;
  }
  const busy = end.systemBusy - start.systemBusy;
  result.other = Math.max(0, busy - grouped) / ticksPerS / seconds;
  return result;
}

export function groupTicks(group: PidGroup): number {
  let ticks = 0;
  for (const pid of group.pids) {
    const stat = pidStat(pid);
    if (!stat) continue;
    ticks += stat.ticks + (pid === group.reaper ? stat.childrenTicks : 0);
  }
  return ticks;
}

export function createCpuMeter(groups: () => PidGroups) {
  const ticksPerS = ticksPerSecond();
  const snapshot = (): CpuSnapshot => {
    const perGroup: CpuSnapshot['groups'] = {};
    for (const [name, group] of Object.entries(groups())) perGroup[name] = groupTicks(group);
    return { atMs: Date.now(), groups: perGroup, systemBusy: systemTicks().busy };
  };
  return {
    snapshot,
    /** measures `work`, returning its value and the cores each group used meanwhile */
    async measure<T>(work: () => Promise<T>): Promise<{ value: T; cores: Record<string, number> }> {
      const start = snapshot();
      const value = await work();
      return { value, cores: coresUsed(start, snapshot(), ticksPerS) };
    },
  };
}

export type CpuMeter = ReturnType<typeof createCpuMeter>;
