// What this instance last told Alertmanager for each label set. Alertmanager holds one alert per label
// set, and a post replaces it (unless the two overlap in time), so an older state posted after a newer
// one moves the alert back: a resolved alert fires again, or a sensor's finished incident replaces its
// next one of the same rule. Older states do come late: the re-send reads PostgreSQL, which the saver
// writes from the same topic a moment after we read it, and a consumer catching up after an outage
// replays transitions the re-send has already overtaken. So every post first asks this record, and
// tells it what was posted. Pure (clock and partitions passed in).
import type { AlarmState } from './alarm-message';
import { alertLabels } from './alert-content';

export interface LatestAlarms {
  /** records a state as posted, unless a newer one of its label set was */
  remember(alarm: AlarmState, partition: number, nowMs: number): void;
  /** true when a newer state of the alarm's label set was posted (a later version, or a later incident) */
  isStale(alarm: AlarmState): boolean;
  /**
   * For the re-send of a row of the alarms table: what was posted of that alarm when it is at least
   * as new (an acknowledgement either one knows of counts), undefined when a later incident of its
   * label set was posted, else the row.
   */
  freshest(row: AlarmState): AlarmState | undefined;
  /** the states posted as active, with their partitions */
  active(): Array<{ alarm: AlarmState; partition: number }>;
  /** forgets cleared states posted longer ago than the retention, and everything of partitions no longer ours */
  prune(nowMs: number, owned?: ReadonlySet<number>): void;
  readonly size: number;
}

const labelKey = (alarm: AlarmState) => JSON.stringify(alertLabels(alarm));

/** a newer than b: a later incident, or a later version of the same alarm */
function newer(a: AlarmState, b: AlarmState): boolean {
  if (a.id === b.id) return a.version > b.version;
  return a.raisedAt > b.raisedAt;
}

export function createLatestAlarms(retentionMs: number): LatestAlarms {
  const posted = new Map<string, { alarm: AlarmState; partition: number; at: number }>();
  return {
    remember(alarm, partition, nowMs) {
      const key = labelKey(alarm);
      const seen = posted.get(key);
      if (seen && newer(seen.alarm, alarm)) return;
      posted.set(key, { alarm, partition, at: nowMs });
    },
    isStale(alarm) {
      const seen = posted.get(labelKey(alarm));
      return seen !== undefined && newer(seen.alarm, alarm);
    },
    freshest(row) {
      const seen = posted.get(labelKey(row))?.alarm;
      if (!seen) return row;
      if (seen.id !== row.id) return seen.raisedAt > row.raisedAt ? undefined : row;
      if (seen.version < row.version) return row;
      if (seen.acknowledged || !row.acknowledged) return seen;
      return {
        ...seen,
        acknowledged: true,
        acknowledgedAt: row.acknowledgedAt,
        acknowledgedBy: row.acknowledgedBy,
        comment: seen.comment ?? row.comment,
      };
    },
    active() {
      return [...posted.values()]
        .filter((entry) => entry.alarm.status === 'active')
        .map(({ alarm, partition }) => ({ alarm, partition }));
    },
    prune(nowMs, owned) {
      for (const [key, entry] of posted) {
        const expired = entry.alarm.status === 'cleared' && nowMs - entry.at > retentionMs;
        if (expired || (owned && !owned.has(entry.partition))) posted.delete(key);
      }
    },
    get size() {
      return posted.size;
    },
  };
}
