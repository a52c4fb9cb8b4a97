// What one chunk of a partition's messages does to the processor's state, computed in memory from the
// state loaded for it (pure): which sensor-hash fields change, which client ids enter the dedup set,
// which events and alarm transitions go to the outbox, and the partition's new progress. The store
// (streak-store.ts) loads the state, runs this, and writes the result in one Lua script that applies
// it only if the partition was not written in between (else it loads and plans again), so the plan
// is applied exactly once, atomically.
//
// Per message in Kafka order (CONTRACT.md "Processor rules", "Alarms"):
//  - offsets up to the partition's progress were applied already (a redelivery): skipped;
//  - a reading with a client id whose copy was seen in the dedup window (earlier in this chunk too)
//    changes nothing but the dedup clock (only readings some threshold rule counts enter the set);
//  - a reading steps every threshold rule of its (sensor, metric) through alarm-state.ts (the one
//    state machine), and clears the sensor's silence alarms (it spoke);
//  - an operator's clear_alarm command clears the alarm it names, in order with the readings.
// Alarm transitions are coalesced per alarm per chunk: 'updated' only once, carrying its last state
// (a 'cleared' in the same chunk supersedes it); each message sent bumps the alarm's version.
import type { AlarmMessage, Reading, SensorCommand, SensorEvent } from '../../shared/src';
import { counterField, ruleStateField } from '../../shared/src/redis-keys';
import type { SilenceRule, ThresholdRule } from '../../shared/src/rule-set';
import {
  type ActiveAlarm,
  alarmIdFor,
  type AlarmTransition,
  clearByOperator,
  eventIdFor,
  INITIAL_STATE,
  type RuleState,
  step,
} from './alarm-state';
import { dedupMember } from './dedup-member';
import type { RuleBook } from './rule-book';

export type ChunkItem = { offset: string; reading: Reading } | { offset: string; command: SensorCommand };

/** An active alarm as the sensor hash holds it (`<rule>:alarm`, JSON): with what its messages need. */
export interface StoredAlarm extends ActiveAlarm {
  /** transitions sent so far (1 at the raise) */
  version: number;
  rule: string;
  metric: string | null;
  type: string;
  severity: string;
}

/** The partition state a plan starts from (streak-store.ts loads it). */
export interface LoadedState {
  /** last applied offset, -1 for none */
  offset: number;
  /** newest receivedAt applied (the dedup clock) */
  newest: number;
  /** the partition's write counter: the script applies the plan only if it is unchanged */
  rev: number;
  /** dedup members (hex) present in the set */
  dedup: ReadonlySet<string>;
  /** per sensor, the fields loaded (absent field: null) */
  fields: ReadonlyMap<string, ReadonlyMap<string, string | null>>;
}

export type OutboxEntry =
  { topic: 'events'; key: string; event: SensorEvent } | { topic: 'alarms'; key: string; alarm: AlarmMessage };

export interface SensorWrite {
  set: Map<string, string>;
  del: string[];
}

export interface ChunkPlan {
  /** the chunk's last offset when it moves the progress forward */
  offset?: string;
  newest?: number;
  /** dedup members to add, with their receivedAt */
  dedupAdds: Array<{ member: Buffer; score: number }>;
  /** newest receivedAt per sensor that spoke (the silence sweep's last-seen set) */
  seen: Map<string, number>;
  sensorWrites: Map<string, SensorWrite>;
  outbox: OutboxEntry[];
  events: number;
  transitions: number;
  warnings: number;
}

/** The sensor-hash fields a chunk needs loaded, per sensor, and the dedup members to look up. */
export function fieldsToLoad(
  items: readonly ChunkItem[],
  book: RuleBook,
): { fields: Map<string, Set<string>>; members: Buffer[]; memberOf: Map<ChunkItem, Buffer> } {
  const fields = new Map<string, Set<string>>();
  const members: Buffer[] = [];
  // hashed once per chunk: planChunk takes them from here (SHA-1 is most of a plan's cost)
  const memberOf = new Map<ChunkItem, Buffer>();
  const need = (sensorId: string, names: string[]) => {
    let set = fields.get(sensorId);
    if (!set) fields.set(sensorId, (set = new Set()));
    for (const n of names) set.add(n);
  };
  for (const item of items) {
    if ('command' in item) {
      need(item.command.sensorId, thresholdFields(item.command.rule));
      continue;
    }
    const r = item.reading;
    const rules = book.thresholdRulesFor(r.sensorId, r.metric);
    const member = rules.length ? dedupMember(r.id) : undefined;
    if (member) {
      members.push(member);
      memberOf.set(item, member);
    }
    for (const rule of rules) need(r.sensorId, thresholdFields(rule.name));
    for (const rule of book.silenceRulesFor(r.sensorId)) need(r.sensorId, [ruleStateField(rule.name, 'alarm')]);
  }
  return { fields, members, memberOf };
}

function thresholdFields(rule: string): string[] {
  return [
    counterField(rule),
    ruleStateField(rule, 'clearing'),
    ruleStateField(rule, 'alarm'),
    ruleStateField(rule, 'fp'),
  ];
}

/** Reads a rule's state from the loaded fields; a stored fingerprint of another rule means its counters restart. */
export function ruleStateOf(
  loaded: ReadonlyMap<string, string | null> | undefined,
  rule: string,
  fingerprint: string | undefined,
): { state: RuleState; alarm: StoredAlarm | null } {
  const get = (f: string) => loaded?.get(f) ?? null;
  const alarmText = get(ruleStateField(rule, 'alarm'));
  const alarm = alarmText ? (JSON.parse(alarmText) as StoredAlarm) : null;
  const fp = get(ruleStateField(rule, 'fp'));
  // no fingerprint: state from before fingerprints (the counters of the original rule), kept
  if (fingerprint !== undefined && fp !== null && fp !== fingerprint) {
    return { state: { ...INITIAL_STATE, alarm }, alarm };
  }
  return {
    state: {
      run: Number(get(counterField(rule)) ?? 0),
      clearing: Number(get(ruleStateField(rule, 'clearing')) ?? 0),
      alarm,
    },
    alarm,
  };
}

/** The event of a threshold rule, in the compat Event shape: one per (reading, rule), so its id names both. */
export function eventFor(reading: Reading, rule: ThresholdRule): SensorEvent {
  return {
    id: eventIdFor(reading.id, rule.name),
    sensorId: reading.sensorId,
    metric: reading.metric,
    type: rule.type,
    value: reading.value,
    at: reading.at,
    threshold: rule.threshold,
    rule: `${rule.metric} ${rule.comparison} ${rule.threshold}`,
    warningsForEvent: rule.warningsForEvent,
    readingId: reading.id,
  };
}

export function alarmMessage(
  stored: StoredAlarm,
  sensorId: string,
  transition: AlarmTransition,
  at: number,
  cleared?: { at: number; by: string; comment: string | null },
): AlarmMessage {
  const silence = stored.metric === null;
  return {
    transition,
    id: stored.id,
    sensorId,
    rule: stored.rule,
    metric: stored.metric,
    type: stored.type,
    severity: stored.severity,
    status: cleared ? 'cleared' : 'active',
    acknowledged: false,
    raisedAt: stored.raisedAt,
    value: silence ? null : stored.value,
    peak: silence ? null : stored.peak,
    events: stored.events,
    warnings: stored.warnings,
    lastWarningAt: silence ? null : stored.lastWarningAt,
    clearedAt: cleared?.at ?? null,
    clearedBy: cleared?.by ?? null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    comment: cleared?.comment ?? null,
    version: stored.version,
    at,
  };
}

/**
 * Collects a plan's sensor-field changes and alarm messages. Shared by the chunk planner and the
 * silence sweep, so both write through the same path.
 */
export function createPlanBuilder(loaded: LoadedState) {
  const current = new Map<string, Map<string, string | null>>();
  const outbox: OutboxEntry[] = [];
  /** an alarm's pending 'updated' (coalesced): index into outbox */
  const pendingUpdate = new Map<string, number>();
  let transitions = 0;
  const fieldsOf = (sensorId: string) => {
    let m = current.get(sensorId);
    if (!m) current.set(sensorId, (m = new Map(loaded.fields.get(sensorId) ?? [])));
    return m;
  };
  return {
    fieldsOf,
    setField(sensorId: string, field: string, value: string | null) {
      fieldsOf(sensorId).set(field, value);
    },
    event(event: SensorEvent) {
      outbox.push({ topic: 'events', key: event.sensorId, event });
    },
    /** an alarm transition: `stored` is the alarm after it (its version is bumped here) */
    transition(
      sensorId: string,
      stored: StoredAlarm,
      kind: AlarmTransition,
      at: number,
      cleared?: { at: number; by: string; comment: string | null },
    ): StoredAlarm {
      const pending = pendingUpdate.get(stored.id);
      if (kind === 'updated' && pending !== undefined) {
        // coalesced: the pending message takes the newer state, same version
        const entry = outbox[pending] as Extract<OutboxEntry, { topic: 'alarms' }>;
        const next = { ...stored, version: entry.alarm.version };
        entry.alarm = alarmMessage(next, sensorId, 'updated', at);
        return next;
      }
      if (pending !== undefined) {
        // a clear supersedes the update pending in this chunk: it carries the same state and more
        outbox.splice(pending, 1);
        for (const [id, i] of pendingUpdate) if (i > pending) pendingUpdate.set(id, i - 1);
        pendingUpdate.delete(stored.id);
        const next = { ...stored, version: stored.version };
        outbox.push({ topic: 'alarms', key: sensorId, alarm: alarmMessage(next, sensorId, kind, at, cleared) });
        return next;
      }
      const next = { ...stored, version: stored.version + 1 };
      if (kind === 'updated') pendingUpdate.set(stored.id, outbox.length);
      outbox.push({ topic: 'alarms', key: sensorId, alarm: alarmMessage(next, sensorId, kind, at, cleared) });
      transitions++;
      return next;
    },
    /** the changed fields per sensor (only what differs from what was loaded) and the outbox */
    finish(): { sensorWrites: Map<string, SensorWrite>; outbox: OutboxEntry[]; transitions: number } {
      const sensorWrites = new Map<string, SensorWrite>();
      for (const [sensorId, fields] of current) {
        const before = loaded.fields.get(sensorId);
        const write: SensorWrite = { set: new Map(), del: [] };
        for (const [field, value] of fields) {
          const was = before?.get(field) ?? null;
          if (value === was) continue;
          if (value === null) write.del.push(field);
          else write.set.set(field, value);
        }
        if (write.set.size || write.del.length) sensorWrites.set(sensorId, write);
      }
      return { sensorWrites, outbox, transitions };
    },
  };
}

export type PlanBuilder = ReturnType<typeof createPlanBuilder>;

/** Writes a rule's state back into the builder's fields (run always: the compat counter). */
function putRuleState(
  b: PlanBuilder,
  sensorId: string,
  rule: string,
  state: RuleState,
  alarm: StoredAlarm | null,
  fingerprint: string | undefined,
) {
  b.setField(sensorId, counterField(rule), String(state.run));
  b.setField(sensorId, ruleStateField(rule, 'clearing'), state.clearing ? String(state.clearing) : null);
  b.setField(sensorId, ruleStateField(rule, 'alarm'), alarm ? JSON.stringify(alarm) : null);
  if (fingerprint !== undefined) b.setField(sensorId, ruleStateField(rule, 'fp'), fingerprint);
}

export function planChunk(input: {
  items: readonly ChunkItem[];
  lastOffset: string;
  loaded: LoadedState;
  book: RuleBook;
  /** the dedup members fieldsToLoad computed (else computed here) */
  memberOf?: ReadonlyMap<ChunkItem, Buffer>;
}): ChunkPlan {
  const { items, loaded, book, memberOf } = input;
  const b = createPlanBuilder(loaded);
  const dedup = new Set(loaded.dedup);
  const dedupAdds: ChunkPlan['dedupAdds'] = [];
  const seen = new Map<string, number>();
  let newest = loaded.newest;
  let movedNewest = false;
  let events = 0;
  let warnings = 0;

  const stateOf = (sensorId: string, rule: string, fingerprint: string | undefined) =>
    ruleStateOf(b.fieldsOf(sensorId), rule, fingerprint);

  for (const item of items) {
    if (Number(item.offset) <= loaded.offset) continue;
    if ('command' in item) {
      const c = item.command;
      if (c.kind !== 'clear_alarm') continue;
      const rule = book.rules.find((r) => r.name === c.rule);
      const fp = rule?.kind === 'threshold' ? book.fingerprint(rule) : undefined;
      const { state, alarm } = stateOf(c.sensorId, c.rule, fp);
      const r = clearByOperator(state, c.alarmId);
      if (!r.transition || !alarm) continue;
      b.transition(c.sensorId, alarm, 'cleared', c.at, { at: c.at, by: c.by, comment: c.comment });
      if (rule?.kind === 'silence') b.setField(c.sensorId, ruleStateField(c.rule, 'alarm'), null);
      else putRuleState(b, c.sensorId, c.rule, r.state, null, fp);
      continue;
    }
    const reading = item.reading;
    // only readings a threshold rule counts need their copies recognised (the set's memory)
    const thresholdRules = book.thresholdRulesFor(reading.sensorId, reading.metric);
    const member = !thresholdRules.length ? undefined : memberOf ? memberOf.get(item) : dedupMember(reading.id);
    let fresh = true;
    if (member) {
      const hex = member.toString('hex');
      if (dedup.has(hex)) fresh = false;
      else {
        dedup.add(hex);
        dedupAdds.push({ member, score: reading.receivedAt });
      }
    }
    if (reading.receivedAt > newest) {
      newest = reading.receivedAt;
      movedNewest = true;
    }
    if (!fresh) continue;
    const sensorId = reading.sensorId;
    seen.set(sensorId, Math.max(seen.get(sensorId) ?? 0, reading.receivedAt));
    for (const rule of book.silenceRulesFor(sensorId)) {
      const field = ruleStateField(rule.name, 'alarm');
      const text = b.fieldsOf(sensorId).get(field) ?? null;
      if (!text) continue;
      const alarm = JSON.parse(text) as StoredAlarm;
      b.transition(sensorId, alarm, 'cleared', reading.receivedAt, {
        at: reading.receivedAt,
        by: 'rule',
        comment: null,
      });
      b.setField(sensorId, field, null);
    }
    for (const rule of thresholdRules) {
      const fp = book.fingerprint(rule);
      const { state, alarm } = stateOf(sensorId, rule.name, fp);
      const r = step(rule, state, { id: reading.id, value: reading.value, at: reading.at });
      if (r.state.run > state.run) warnings++;
      if (r.eventId) {
        b.event(eventFor(reading, rule));
        events++;
      }
      let stored: StoredAlarm | null = null;
      if (r.transition) {
        const base: StoredAlarm =
          r.transition.kind === 'raised'
            ? {
                ...r.transition.alarm,
                version: 0,
                rule: rule.name,
                metric: rule.metric,
                type: rule.type,
                severity: rule.severity,
              }
            : { ...alarm!, ...r.transition.alarm };
        const cleared =
          r.transition.kind === 'cleared'
            ? { at: r.transition.clearedAt ?? reading.at, by: 'rule', comment: null }
            : undefined;
        const after = b.transition(sensorId, base, r.transition.kind, reading.at, cleared);
        stored = r.transition.kind === 'cleared' ? null : after;
      } else if (r.state.alarm) {
        stored = alarm;
      }
      putRuleState(b, sensorId, rule.name, r.state, stored, fp);
    }
  }
  const { sensorWrites, outbox, transitions } = b.finish();
  const moved = Number(input.lastOffset) > loaded.offset;
  return {
    offset: moved ? input.lastOffset : undefined,
    newest: movedNewest ? newest : undefined,
    dedupAdds,
    seen,
    sensorWrites,
    outbox,
    events,
    transitions,
    warnings,
  };
}

/**
 * The silence sweep of one partition at `now`: every sensor last seen (receivedAt) at or before
 * `now - afterSeconds` that a silence rule matches and has no active alarm of it gets one, raised at
 * the moment it became silent. `candidates` are the sensors of the last-seen set in the rule's due
 * range, with their last-seen time; their `<rule>:alarm` fields are in `loaded`.
 */
export function planSilence(input: {
  rule: SilenceRule;
  candidates: ReadonlyArray<{ sensorId: string; lastSeen: number }>;
  loaded: LoadedState;
  book: RuleBook;
  now: number;
}): { sensorWrites: Map<string, SensorWrite>; outbox: OutboxEntry[]; transitions: number } {
  const { rule, loaded, book, now } = input;
  const b = createPlanBuilder(loaded);
  const field = ruleStateField(rule.name, 'alarm');
  for (const { sensorId, lastSeen } of input.candidates) {
    if (!book.matches(rule, sensorId)) continue;
    if (b.fieldsOf(sensorId).get(field)) continue;
    const raisedAt = lastSeen + rule.afterSeconds * 1000;
    if (raisedAt > now) continue;
    const eventId = eventIdFor(`${sensorId}@${lastSeen}`, rule.name);
    const alarm: StoredAlarm = {
      id: alarmIdFor(eventId),
      eventId,
      raisedAt,
      value: 0,
      peak: 0,
      events: 1,
      warnings: 0,
      lastWarningAt: 0,
      version: 0,
      rule: rule.name,
      metric: null,
      type: rule.type,
      severity: rule.severity,
    };
    const after = b.transition(sensorId, alarm, 'raised', raisedAt);
    b.setField(sensorId, field, JSON.stringify(after));
  }
  return b.finish();
}
