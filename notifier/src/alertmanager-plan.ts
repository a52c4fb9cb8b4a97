// Which transitions of a batch Alertmanager is told of, and in what order. Pure.
//
// Alertmanager holds one alert per label set, and a post replaces what it holds unless the two
// overlap in time. So it is told each alarm's latest state once per batch (a raise and its clear in
// one batch is just the clear), in stream order of those latest states, so a sensor's cleared
// incident goes before its next one of the same rule. A transition of an alarm that is already
// cleared (a later acknowledgement) is not sent at all: posted after the sensor's next incident of
// the same rule, it would replace that firing alert with the old, resolved one.
import type { AlarmMessage } from '../../shared/src';

export interface Positioned<T> {
  /** Kafka offset of the (last) message this comes from */
  offset: string;
  value: T;
}

export function concernsAlertmanager(t: AlarmMessage): boolean {
  return t.status === 'active' || t.transition === 'cleared';
}

/** The highest version of each alarm (a later offset wins a tie), ordered by the offset of each alarm's last message. */
export function latestPerAlarm(transitions: Positioned<AlarmMessage>[]): Positioned<AlarmMessage>[] {
  const latest = new Map<string, { value: AlarmMessage; offset: string }>();
  for (const { offset, value } of transitions) {
    const seen = latest.get(value.id);
    const kept = seen && seen.value.version > value.version ? seen.value : value;
    // re-inserted so the map's order is that of each alarm's last message
    latest.delete(value.id);
    latest.set(value.id, { value: kept, offset });
  }
  return [...latest.values()];
}

/** The posts of one batch: chunks of at most `size` alerts, each resolving the offset of its last one. */
export function alertmanagerPosts(
  transitions: Positioned<AlarmMessage>[],
  size: number,
): Array<{ offset: string; alarms: AlarmMessage[] }> {
  const relevant = latestPerAlarm(transitions.filter((t) => concernsAlertmanager(t.value)));
  const posts: Array<{ offset: string; alarms: AlarmMessage[] }> = [];
  for (let i = 0; i < relevant.length; i += size) {
    const chunk = relevant.slice(i, i + size);
    posts.push({ offset: chunk[chunk.length - 1].offset, alarms: chunk.map((c) => c.value) });
  }
  return posts;
}
