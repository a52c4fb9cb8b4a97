// Names the agent gives: its sensor id (from the host name) and one disk_usage metric per mount. Both
// must fit the contract: sensor ids are 1-128 characters of A-Z a-z 0-9 . _ : -, metric names
// [a-z][a-z0-9_]* of at most 64 characters.

const SENSOR_ID_MAX = 128;
const METRIC_MAX = 64;

/** The host name as a sensor id: characters outside the sensor-id set become '-', cut to 128. */
export function sensorIdFromHostname(hostname: string): string {
  const id = hostname.replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, SENSOR_ID_MAX);
  return id.length > 0 ? id : 'host';
}

/**
 * The disk_usage metric of a mount point: `disk_usage` for `/`, else `disk_usage_<mount>` with the
 * mount lower-cased, every run of other characters than a-z 0-9 made one '_', and no leading or
 * trailing '_' (`/var/lib/docker` → `disk_usage_var_lib_docker`). A name longer than 64 characters
 * keeps its end (the most specific part) and a short hash of the whole mount, so two long mounts that
 * share an end stay apart.
 */
export function diskMetricName(mount: string): string {
  const base = 'disk_usage';
  const part = mount
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (part === '') return base;
  const name = `${base}_${part}`;
  if (name.length <= METRIC_MAX) return name;
  const hash = fnv1a(mount).toString(36).padStart(7, '0').slice(0, 7);
  const room = METRIC_MAX - base.length - hash.length - 2; // two '_' separators
  const tail = part.slice(-room).replace(/^_+/, '');
  return `${base}_${hash}_${tail}`;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
