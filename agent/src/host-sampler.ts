// Samples the host from /proc, /sys and statfs(2): a few small file reads and one statfs per mount,
// no child process, so a sample costs well under a millisecond of CPU. Counters (CPU jiffies, disk and
// network bytes) become rates against the previous sample.
import { promises as fs } from 'node:fs';
import { diskMetricName } from './metric-names';
import {
  type CpuTimes,
  cpuUsagePercent,
  diskMounts,
  diskUsagePercent,
  parseCpuTimes,
  parseDiskStats,
  parseLoad1m,
  parseMemory,
  parseNetDev,
  parseUptime,
  ratePerSecond,
} from './proc-parsers';

export interface SamplerPaths {
  /** root of the proc file system (tests may point it at a copy) */
  proc: string;
  sys: string;
}

const DEFAULT_PATHS: SamplerPaths = { proc: '/proc', sys: '/sys' };
/** statfs of a hung network mount would block; its usage is skipped after this long */
const STATFS_TIMEOUT_MS = 2000;

interface Counters {
  atMs: number;
  cpu?: CpuTimes;
  net?: { received: number; sent: number };
  disk?: { read: number; written: number };
}

export interface HostSampler {
  /** The host's metrics now; rates and cpu_usage need an earlier sample (the first call gives none). */
  sample(): Promise<Record<string, number>>;
}

export function createHostSampler(
  paths: Partial<SamplerPaths> = {},
  onError: (what: string, err: unknown) => void = () => {},
): HostSampler {
  const p = { ...DEFAULT_PATHS, ...paths };
  let prev: Counters | undefined;

  const read = async (file: string): Promise<string | undefined> => {
    try {
      return await fs.readFile(`${p.proc}/${file}`, 'utf8');
    } catch (err) {
      onError(`${p.proc}/${file}`, err);
      return undefined;
    }
  };

  const wholeDisks = async (): Promise<Set<string>> => {
    const disks = new Set<string>();
    try {
      for (const name of await fs.readdir(`${p.sys}/block`)) {
        // physical disks have a device link; loop, ram, dm-* and md* (views of other disks) have none
        if (await exists(`${p.sys}/block/${name}/device`)) disks.add(name);
      }
    } catch (err) {
      onError(`${p.sys}/block`, err);
    }
    return disks;
  };

  return {
    async sample() {
      const atMs = Date.now();
      const [stat, meminfo, loadavg, uptime, netDev, diskstats, mounts, disks] = await Promise.all([
        read('stat'),
        read('meminfo'),
        read('loadavg'),
        read('uptime'),
        read('net/dev'),
        read('diskstats'),
        read('mounts'),
        wholeDisks(),
      ]);
      const metrics: Record<string, number> = {};
      const put = (name: string, value: number | null | undefined) => {
        if (value !== null && value !== undefined && Number.isFinite(value)) metrics[name] = value;
      };
      const cur: Counters = { atMs };
      const elapsed = prev ? atMs - prev.atMs : 0;
      if (stat) {
        cur.cpu = parseCpuTimes(stat);
        if (prev?.cpu) put('cpu_usage', cpuUsagePercent(prev.cpu, cur.cpu));
      }
      if (meminfo) {
        const m = parseMemory(meminfo);
        put('memory_usage', m.memoryUsage);
        put('swap_usage', m.swapUsage);
      }
      if (loadavg) put('load_1m', parseLoad1m(loadavg));
      if (uptime) put('uptime_s', parseUptime(uptime));
      if (netDev) {
        cur.net = parseNetDev(netDev);
        put('network_received', ratePerSecond(prev?.net?.received, cur.net.received, elapsed));
        put('network_sent', ratePerSecond(prev?.net?.sent, cur.net.sent, elapsed));
      }
      if (diskstats) {
        cur.disk = parseDiskStats(diskstats, disks);
        put('disk_read', ratePerSecond(prev?.disk?.read, cur.disk.read, elapsed));
        put('disk_written', ratePerSecond(prev?.disk?.written, cur.disk.written, elapsed));
      }
      if (mounts) {
        const usages = await Promise.all(
          diskMounts(mounts).map(async (m) => {
            try {
              const s = await withTimeout(fs.statfs(m.mount), STATFS_TIMEOUT_MS);
              return [diskMetricName(m.mount), diskUsagePercent(s)] as const;
            } catch (err) {
              onError(`statfs ${m.mount}`, err);
              return [diskMetricName(m.mount), null] as const;
            }
          }),
        );
        for (const [name, value] of usages) if (!(name in metrics)) put(name, value);
      }
      prev = cur;
      return metrics;
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
