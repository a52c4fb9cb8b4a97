// Parsers of the /proc and /sys texts the agent samples (Linux), and the arithmetic on them: pure, so
// every figure is unit-tested from a captured text. The sampler (host-sampler.ts) does the reading.

/** Jiffies of all CPUs from the first line of /proc/stat. */
export interface CpuTimes {
  busy: number;
  total: number;
}

export function parseCpuTimes(procStat: string): CpuTimes {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no cpu line');
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user/nice
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const idleAll = idle + iowait;
  const total = user + nice + system + idleAll + irq + softirq + steal;
  return { busy: total - idleAll, total };
}

/** Share of CPU time busy between two samples, in %; null when no time passed or the counters went back. */
export function cpuUsagePercent(prev: CpuTimes, cur: CpuTimes): number | null {
  const total = cur.total - prev.total;
  const busy = cur.busy - prev.busy;
  if (!(total > 0) || busy < 0) return null;
  return round2(Math.min(100, (busy / total) * 100));
}

/** memory_usage and swap_usage in % from /proc/meminfo (used = total - MemAvailable, as `free` counts it). */
export function parseMemory(meminfo: string): { memoryUsage: number | null; swapUsage: number | null } {
  const kb = new Map<string, number>();
  for (const line of meminfo.split('\n')) {
    const m = /^(\w+):\s+(\d+)/.exec(line);
    if (m) kb.set(m[1], Number(m[2]));
  }
  const memTotal = kb.get('MemTotal');
  const available =
    kb.get('MemAvailable') ?? (kb.get('MemFree') ?? 0) + (kb.get('Buffers') ?? 0) + (kb.get('Cached') ?? 0);
  const swapTotal = kb.get('SwapTotal');
  const swapFree = kb.get('SwapFree') ?? 0;
  return {
    memoryUsage: memTotal ? round2(((memTotal - available) / memTotal) * 100) : null,
    // no swap configured: 0 % used (a rule "swap over 50 %" then never fires, which is right)
    swapUsage:
      swapTotal === undefined ? null : swapTotal === 0 ? 0 : round2(((swapTotal - swapFree) / swapTotal) * 100),
  };
}

/** The 1-minute load average from /proc/loadavg. */
export function parseLoad1m(loadavg: string): number {
  return Number(loadavg.trim().split(/\s+/)[0]);
}

/** Seconds since boot from /proc/uptime. */
export function parseUptime(uptime: string): number {
  return Math.round(Number(uptime.trim().split(/\s+/)[0]));
}

/** Bytes received and sent by every interface but loopback, from /proc/net/dev. */
export function parseNetDev(netDev: string): { received: number; sent: number } {
  let received = 0;
  let sent = 0;
  for (const line of netDev.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (name === 'lo') continue;
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    received += fields[0] || 0;
    sent += fields[8] || 0;
  }
  return { received, sent };
}

/**
 * Bytes read and written by the given whole disks, from /proc/diskstats (sectors are 512 bytes there,
 * whatever the device's sector size). Only whole physical disks are counted: their partitions and the
 * device-mapper or md devices above them would count the same bytes twice.
 */
export function parseDiskStats(diskstats: string, disks: ReadonlySet<string>): { read: number; written: number } {
  let read = 0;
  let written = 0;
  for (const line of diskstats.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !disks.has(f[2])) continue;
    read += Number(f[5]) * 512;
    written += Number(f[9]) * 512;
  }
  return { read, written };
}

export interface Mount {
  device: string;
  mount: string;
  fsType: string;
}

/** Types of file systems that hold no disk space of their own. */
const PSEUDO_FS = new Set([
  'autofs',
  'binfmt_misc',
  'bpf',
  'cgroup',
  'cgroup2',
  'configfs',
  'debugfs',
  'devpts',
  'devtmpfs',
  'efivarfs',
  'fusectl',
  'hugetlbfs',
  'mqueue',
  'nsfs',
  'proc',
  'pstore',
  'ramfs',
  'rpc_pipefs',
  'securityfs',
  'squashfs',
  'sysfs',
  'tmpfs',
  'tracefs',
  'fuse.lxcfs',
  'fuse.gvfsd-fuse',
  'fuse.portal',
  'overlay',
  'nfsd',
  'selinuxfs',
  'iso9660',
]);

/**
 * The mounts whose usage is reported, from /proc/mounts: `/` always (an overlay root in a container
 * included), and other mounts of real file systems, each device once (its first mount: bind mounts and
 * btrfs subvolumes show the same space again), snap and docker overlays left out.
 */
export function diskMounts(procMounts: string): Mount[] {
  const mounts: Mount[] = [];
  const devices = new Set<string>();
  for (const line of procMounts.split('\n')) {
    const [device, rawMount, fsType] = line.split(' ');
    if (!device || !rawMount || !fsType) continue;
    const mount = rawMount.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
    if (mount === '/') {
      if (!mounts.some((m) => m.mount === '/')) mounts.unshift({ device, mount, fsType });
      devices.add(device);
      continue;
    }
    if (PSEUDO_FS.has(fsType) || mount.startsWith('/snap/') || mount.startsWith('/var/lib/docker/')) continue;
    if (mount.startsWith('/proc') || mount.startsWith('/sys') || mount.startsWith('/dev') || mount.startsWith('/run'))
      continue;
    if (devices.has(device)) continue;
    devices.add(device);
    mounts.push({ device, mount, fsType });
  }
  return mounts;
}

/** Used share of a file system in %, as df computes it (space reserved for root is not available). */
export function diskUsagePercent(s: { blocks: number; bfree: number; bavail: number }): number | null {
  const used = s.blocks - s.bfree;
  const usable = used + s.bavail;
  if (!(usable > 0)) return null;
  return round2((used / usable) * 100);
}

/**
 * Per-second rate of a byte counter between two samples; null when there is no earlier sample, no
 * time passed, or the counter went back (a reboot, an interface that went away): no rate is better
 * than a huge negative one.
 */
export function ratePerSecond(prev: number | undefined, cur: number, elapsedMs: number): number | null {
  if (prev === undefined || !(elapsedMs > 0) || cur < prev) return null;
  return Math.round(((cur - prev) * 1000) / elapsedMs);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
