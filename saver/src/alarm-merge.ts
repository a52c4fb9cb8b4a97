// A batch's alarm transitions → what the alarms table must learn from them. Pure.
// One statement cannot touch a row twice (ON CONFLICT DO UPDATE refuses it), so the transitions of one
// alarm in a batch are merged first, the same way the table merges them across batches:
//  - the processor's fields: the transition with the highest version (on a tie the later one, all
//    equal anyway); the table then keeps it only if it is ahead of the row;
//  - the acknowledgement: the first 'acknowledged' transition of the batch; the table then keeps it
//    only if the row has none yet (first ack wins).
import type { AlarmMessage } from '../../shared/src';

export interface Acknowledgement {
  id: string;
  at: number;
  by: string | null;
  comment: string | null;
}

export interface AlarmWrites {
  /** one per alarm, in id order (the order rows are locked in) */
  states: AlarmMessage[];
  /** one per alarm acknowledged in the batch, in id order */
  acks: Acknowledgement[];
}

export function mergeAlarmTransitions(transitions: readonly AlarmMessage[]): AlarmWrites {
  const states = new Map<string, AlarmMessage>();
  const acks = new Map<string, Acknowledgement>();
  for (const t of transitions) {
    const held = states.get(t.id);
    if (!held || t.version >= held.version) states.set(t.id, t);
    if (t.transition === 'acknowledged' && t.acknowledgedAt !== null && !acks.has(t.id)) {
      acks.set(t.id, { id: t.id, at: t.acknowledgedAt, by: t.acknowledgedBy, comment: t.comment });
    }
  }
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { states: [...states.values()].sort(byId), acks: [...acks.values()].sort(byId) };
}
