// Memory and CPU of processes, from Linux /proc. The parsers are pure; the readers return undefined
// when the process is gone (or on a system without /proc), so a figure goes missing instead of failing the run.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** VmHWM (peak resident set) and VmRSS of /proc/<pid>/status, in kB. */
export function parseProcStatus(text: string): { vmHwmKb?: number; vmRssKb?: number } {
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  return { vmHwmKb: field('VmHWM'), vmRssKb: field('VmRSS') };
}

export interface PidStat {
  ppid: number;
  /** utime + stime, in clock ticks */
  ticks: number;
  /** cutime + cstime: the CPU of its children that exited and were waited for */
  childrenTicks: number;
}

/** Fields of /proc/<pid>/stat (the command name may hold spaces and parentheses). */
export function parseProcPidStat(text: string): PidStat {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17
  return {
    ppid: Number(rest[1]),
    ticks: Number(rest[11]) + Number(rest[12]),
    childrenTicks: Number(rest[13]) + Number(rest[14]),
  };
}

/** Busy and total ticks of all CPUs, from the first line of /proc/stat. */
export function parseProcStat(text: string): { busy: number; total: number } {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return { busy: 0, total: 0 };
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

const read = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

export function peakRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const text = read(`/proc/${pid}/status`);
  const kb = text ? parseProcStatus(text).vmHwmKb : undefined;
  return kb === undefined ? undefined : kb / 1024;
}

export function pidStat(pid: number): PidStat | undefined {
  const text = read(`/proc/${pid}/stat`);
  return text ? parseProcPidStat(text) : undefined;
}

export function systemTicks(): { busy: number; total: number } {
  const text = read('/proc/stat');
  return text ? parseProcStat(text) : { busy: 0, total: 0 };
}

/** Pids whose command name (/proc/<pid>/comm) is `comm`, e.g. every PostgreSQL backend. Read only. */
export function pidsByCommand(comm: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => read(`/proc/${pid}/comm`)?.trim() === comm);
}

/** Clock ticks per second of /proc's CPU times (100 on Linux almost everywhere). */
export function ticksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}
