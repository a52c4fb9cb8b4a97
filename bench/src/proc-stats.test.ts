import { parseProcPidStat, parseProcStat, parseProcStatus } from './proc-stats';

describe('proc-stats', () => {
  it('when /proc/<pid>/status is parsed, then VmHWM and VmRSS come out in kB', () => {
    const text = 'Name:\tnode\nVmPeak:\t 1200000 kB\nVmHWM:\t  153600 kB\nVmRSS:\t  120000 kB\n';
    expect(parseProcStatus(text)).toEqual({ vmHwmKb: 153600, vmRssKb: 120000 });
    expect(parseProcStatus('Name:\tkthreadd\n')).toEqual({ vmHwmKb: undefined, vmRssKb: undefined });
  });

  it('when /proc/<pid>/stat is parsed, then ppid, own and exited children CPU come out, even with spaces in the command name', () => {
    const text = '1234 (node (main) x) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 40 2 20 0 11 0 500 0 0';
    expect(parseProcPidStat(text)).toEqual({ ppid: 1, ticks: 325, childrenTicks: 42 });
  });

  it('when /proc/stat is parsed, then busy excludes idle and iowait', () => {
    const text = 'cpu  100 10 50 1000 40 5 5 2 0 0\ncpu0 50 5 25 500 20 2 2 1 0 0\n';
    expect(parseProcStat(text)).toEqual({ busy: 172, total: 1212 });
  });
});
