// The saver's consumers wait for PostgreSQL inside a batch; a long outage must not get them evicted
// from their group, so they heartbeat while they wait.

const HEARTBEAT_EVERY_MS = 2000;

/** Waits for `work`, heartbeating meanwhile so a long PostgreSQL outage does not get us evicted from the group. */
export async function whileHeartbeating<T>(work: Promise<T>, heartbeat: () => Promise<void>): Promise<T> {
  const timer = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
