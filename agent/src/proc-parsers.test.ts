import {
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

describe('CPU', () => {
  const stat = (user: number, idle: number, iowait = 0) =>
    `cpu  ${user} 0 0 ${idle} ${iowait} 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 1\n`;

  test('usage is the busy share of the jiffies between two samples; iowait counts as idle', () => {
    const a = parseCpuTimes(stat(100, 900));
    const b = parseCpuTimes(stat(130, 960, 10));
    expect(cpuUsagePercent(a, b)).toBe(30);
  });

  test('no time passed, or counters that went back: no value', () => {
    const a = parseCpuTimes(stat(100, 900));
    expect(cpuUsagePercent(a, a)).toBeNull();
    expect(cpuUsagePercent(parseCpuTimes(stat(200, 900)), parseCpuTimes(stat(100, 1000)))).toBeNull();
  });
});

test('memory and swap used, from MemAvailable; no swap is 0 %', () => {
  const meminfo = (swapTotal: number, swapFree: number) =>
    `MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    250 kB\nSwapTotal: ${swapTotal} kB\nSwapFree: ${swapFree} kB\n`;
  expect(parseMemory(meminfo(400, 300))).toEqual({ memoryUsage: 75, swapUsage: 25 });
  expect(parseMemory(meminfo(0, 0))).toEqual({ memoryUsage: 75, swapUsage: 0 });
});

test('load, uptime', () => {
  expect(parseLoad1m('0.52 0.58 0.59 1/467 12345\n')).toBe(0.52);
  expect(parseUptime('4727.61 9000.00\n')).toBe(4728);
});

test('network bytes of every interface but loopback', () => {
  const netDev = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 5000 10 0 0 0 0 0 0 5000 10 0 0 0 0 0 0
  eth0: 1000 10 0 0 0 0 0 0 200 10 0 0 0 0 0 0
  eth1:   24 1 0 0 0 0 0 0 6 1 0 0 0 0 0 0
`;
  expect(parseNetDev(netDev)).toEqual({ received: 1024, sent: 206 });
});

test('disk bytes of whole disks only (512-byte sectors), not their partitions or dm devices', () => {
  const diskstats = [
    ' 253       0 vda 100 0 8 0 200 0 16 0 0 0 0',
    ' 253       1 vda1 100 0 8 0 200 0 16 0 0 0 0',
    ' 252       0 dm-0 100 0 8 0 200 0 16 0 0 0 0',
    '   7       0 loop0 100 0 8 0 200 0 16 0 0 0 0',
  ].join('\n');
  expect(parseDiskStats(diskstats, new Set(['vda']))).toEqual({ read: 8 * 512, written: 16 * 512 });
});

test('mounts: / first (an overlay root too), real file systems once per device, pseudo ones left out', () => {
  const mounts = [
    'proc /proc proc rw 0 0',
    'overlay / overlay rw 0 0',
    'tmpfs /dev/shm tmpfs rw 0 0',
    '/dev/sda1 /home ext4 rw 0 0',
    '/dev/sda1 /srv/bind ext4 rw 0 0',
    '/dev/sdb1 /mnt/my\\040disk xfs rw 0 0',
    '/dev/loop3 /snap/core/1 squashfs ro 0 0',
    'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0',
  ].join('\n');
  expect(diskMounts(mounts).map((m) => m.mount)).toEqual(['/', '/home', '/mnt/my disk']);
});

test('disk usage as df computes it: reserved blocks are not available', () => {
  // 1000 blocks, 400 free of which 50 reserved for root: used 600 of 600 + 350
  expect(diskUsagePercent({ blocks: 1000, bfree: 400, bavail: 350 })).toBe(63.16);
  expect(diskUsagePercent({ blocks: 0, bfree: 0, bavail: 0 })).toBeNull();
});

describe('ratePerSecond', () => {
  test('bytes per second between two samples', () => {
    expect(ratePerSecond(1000, 21_000, 10_000)).toBe(2000);
    expect(ratePerSecond(1000, 1000, 10_000)).toBe(0);
  });
  test('no earlier sample, no time, or a counter that went back (reboot, interface gone): no rate', () => {
    expect(ratePerSecond(undefined, 5, 10_000)).toBeNull();
    expect(ratePerSecond(10, 20, 0)).toBeNull();
    expect(ratePerSecond(5000, 100, 10_000)).toBeNull();
  });
});
