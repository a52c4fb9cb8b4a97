import { diskMetricName, sensorIdFromHostname } from './metric-names';

const METRIC = /^[a-z][a-z0-9_]{0,63}$/;

describe('sensorIdFromHostname', () => {
  test('keeps a host name of the sensor-id charset, replaces the rest', () => {
    expect(sensorIdFromHostname('web-3.example.com')).toBe('web-3.example.com');
    expect(sensorIdFromHostname('Mein Rechner#1')).toBe('Mein-Rechner-1');
    expect(sensorIdFromHostname('x'.repeat(200))).toHaveLength(128);
    expect(sensorIdFromHostname('')).toBe('host');
  });
});

describe('diskMetricName', () => {
  test.each([
    ['/', 'disk_usage'],
    ['/home', 'disk_usage_home'],
    ['/var/lib/docker', 'disk_usage_var_lib_docker'],
    ['/mnt/Data Disk-2/', 'disk_usage_mnt_data_disk_2'],
    ['/média', 'disk_usage_m_dia'],
  ])('%s → %s', (mount, name) => {
    expect(diskMetricName(mount)).toBe(name);
  });

  test('a long mount keeps its end and a hash, within 64 characters, and two such mounts differ', () => {
    const a = diskMetricName(`/srv/${'a'.repeat(80)}/volume_one`);
    const b = diskMetricName(`/srv/${'b'.repeat(80)}/volume_one`);
    for (const name of [a, b]) {
      expect(name).toMatch(METRIC);
      expect(name.endsWith('volume_one')).toBe(true);
    }
    expect(a).not.toBe(b);
  });

  test('every name fits the metric syntax', () => {
    for (const mount of ['/', '/0', '/__', '/a/b/c', `/${'é'.repeat(100)}`, '/UPPER/case']) {
      expect(diskMetricName(mount)).toMatch(METRIC);
    }
  });
});
