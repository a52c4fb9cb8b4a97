import type { AlarmMessage, Reading, SensorCommand } from '../../shared/src';
import { parseRuleSet } from '../../shared/src/rule-set';
import { alarmIdFor } from './alarm-state';
import {
  type ChunkItem,
  type ChunkPlan,
  type LoadedState,
  type OutboxEntry,
  planChunk,
  planSilence,
} from './chunk-plan';
import { createRuleBook, type RuleBook } from './rule-book';

/** An in-memory partition: what the Lua write would leave in Redis after each plan. */
function memoryPartition() {
  const state = {
    offset: -1,
    newest: 0,
    rev: 0,
    dedup: new Set<string>(),
    fields: new Map<string, Map<string, string>>(),
  };
  const loaded = (): LoadedState => ({
    ...state,
    dedup: new Set(state.dedup),
    fields: new Map([...state.fields].map(([k, v]) => [k, new Map(v)])),
  });
  const write = (plan: Pick<ChunkPlan, 'sensorWrites'> & Partial<ChunkPlan>) => {
    for (const [id, w] of plan.sensorWrites) {
      const f = state.fields.get(id) ?? new Map<string, string>();
      for (const [k, v] of w.set) f.set(k, v);
      for (const k of w.del) f.delete(k);
      state.fields.set(id, f);
    }
    for (const d of plan.dedupAdds ?? []) state.dedup.add(d.member.toString('hex'));
    if (plan.offset !== undefined) state.offset = Number(plan.offset);
    if (plan.newest !== undefined) state.newest = plan.newest;
    state.rev++;
  };
  return { state, loaded, write };
}

let offset = 0;
let clock = 1_000_000;
const reading = (sensorId: string, value: number, extra: Partial<Reading> = {}): ChunkItem => {
  clock += 1000;
  return {
    offset: String(offset++),
    reading: { id: `r${offset}`, sensorId, metric: 'temperature', value, at: clock, receivedAt: clock, ...extra },
  };
};
const clear = (sensorId: string, rule: string, alarmId: string): ChunkItem => ({
  offset: String(offset++),
  command: {
    id: `cmd${offset}`,
    kind: 'clear_alarm',
    sensorId,
    rule,
    alarmId,
    by: 'ops',
    comment: 'seen',
    at: clock,
  } satisfies SensorCommand,
});

function apply(p: ReturnType<typeof memoryPartition>, items: ChunkItem[], book: RuleBook) {
  const plan = planChunk({ items, lastOffset: items[items.length - 1].offset, loaded: p.loaded(), book });
  p.write(plan);
  return plan;
}
const alarmsOf = (outbox: OutboxEntry[]): AlarmMessage[] =>
  outbox.flatMap((e) => (e.topic === 'alarms' ? [e.alarm] : []));
const eventsOf = (outbox: OutboxEntry[]) => outbox.flatMap((e) => (e.topic === 'events' ? [e.event] : []));

const DEFAULT = createRuleBook(parseRuleSet([{ metric: 'temperature', threshold: 95, warningsForEvent: 3 }]));
const TWO_LEVELS = createRuleBook(
  parseRuleSet([
    { name: 'hot', metric: 'temperature', threshold: 95, warningsForEvent: 2 },
    { name: 'burning', metric: 'temperature', threshold: 105, warningsForEvent: 2, severity: 'critical' },
  ]),
);

describe('chunk plan', () => {
  it("when the original's sequence is one chunk, then events carry 99 and 98, the counter is 3 and one alarm is raised and updated", () => {
    const p = memoryPartition();
    const items = [10, 100, 97, 99, 10, 100, 107, 98].map((v) => reading('s', v));
    const ids = items.map((i) => (i as { reading: Reading }).reading.id);
    const plan = apply(p, items, DEFAULT);
    expect(eventsOf(plan.outbox).map((e) => [e.value, e.id, e.readingId])).toEqual([
      [99, `${ids[3]}:temperature`, ids[3]],
      [98, `${ids[7]}:temperature`, ids[7]],
    ]);
    expect(p.state.fields.get('s')?.get('temperature')).toBe('3');
    // 99 raises, 10 clears (clearAfter 1), 98 raises a second alarm
    expect(alarmsOf(plan.outbox).map((a) => [a.transition, a.value, a.version, a.status])).toEqual([
      ['raised', 99, 1, 'active'],
      ['cleared', 99, 2, 'cleared'],
      ['raised', 98, 1, 'active'],
    ]);
    expect(eventsOf(plan.outbox)[0]).toMatchObject({
      type: 'TEMPERATURE_EXCEEDED',
      rule: 'temperature >= 95',
      threshold: 95,
      warningsForEvent: 3,
    });
  });

  it('when the same chunk is planned again after it was written, then nothing counts, raises or clears twice', () => {
    const p = memoryPartition();
    const items = [100, 100, 100, 10].map((v) => reading('s', v));
    expect(apply(p, items, DEFAULT).outbox).toHaveLength(3);
    const again = apply(p, items, DEFAULT);
    expect(again.outbox).toEqual([]);
    expect(again.sensorWrites.size).toBe(0);
    expect(again.offset).toBeUndefined();
  });

  it('when a client id reading comes twice in one chunk, then it counts once', () => {
    const p = memoryPartition();
    const copy = (v: number, id: string) => reading('s', v, { id: `c/s/${id}/temperature` });
    apply(p, [copy(99, '1'), copy(99, '1'), copy(99, '2'), copy(99, '1')], DEFAULT);
    expect(p.state.fields.get('s')?.get('temperature')).toBe('2');
    apply(p, [copy(99, '2'), copy(99, '3')], DEFAULT);
    expect(p.state.fields.get('s')?.get('temperature')).toBe('3');
  });

  it('when two rules watch one metric, then each has its own counter, events and alarm', () => {
    const p = memoryPartition();
    const plan = apply(
      p,
      [96, 106, 107, 96].map((v) => reading('s', v)),
      TWO_LEVELS,
    );
    expect(eventsOf(plan.outbox).map((e) => [e.id.split(':')[1], e.value])).toEqual([
      ['hot', 106],
      ['burning', 107],
    ]);
    const alarms = alarmsOf(plan.outbox);
    expect(alarms.map((a) => [a.rule, a.transition, a.severity])).toEqual([
      ['hot', 'raised', 'major'],
      // coalesced: where the first update was, with the last state
      ['hot', 'updated', 'major'],
      ['burning', 'raised', 'critical'],
      ['burning', 'cleared', 'critical'],
    ]);
    expect(alarms[1]).toMatchObject({ peak: 107, warnings: 4, version: 2 });
  });

  it("when an alarm is updated many times in a chunk, then one 'updated' goes out with its last state", () => {
    const p = memoryPartition();
    apply(
      p,
      [100, 100, 100].map((v) => reading('s', v)),
      DEFAULT,
    );
    const plan = apply(
      p,
      [101, 120, 102].map((v) => reading('s', v)),
      DEFAULT,
    );
    expect(alarmsOf(plan.outbox).map((a) => [a.transition, a.peak, a.warnings, a.version])).toEqual([
      ['updated', 120, 6, 2],
    ]);
    // and a clear in the same chunk supersedes the update
    const cleared = apply(
      p,
      [130, 10].map((v) => reading('s', v)),
      DEFAULT,
    );
    expect(alarmsOf(cleared.outbox).map((a) => [a.transition, a.peak, a.version])).toEqual([['cleared', 130, 3]]);
  });

  it('when clearThreshold and clearAfter are set, then readings in the band neither warn nor clear and the clear needs clearAfter in a row', () => {
    const book = createRuleBook(
      parseRuleSet([{ metric: 'temperature', threshold: 95, warningsForEvent: 1, clearThreshold: 90, clearAfter: 2 }]),
    );
    const p = memoryPartition();
    const plan = apply(
      p,
      [96, 92, 89, 93, 89, 85].map((v) => reading('s', v)),
      book,
    );
    expect(alarmsOf(plan.outbox).map((a) => a.transition)).toEqual(['raised', 'cleared']);
    expect(alarmsOf(plan.outbox)[1].clearedAt).toBe(clock);
  });

  it("when an operator's clear comes between readings, then it clears in order and the next run raises a new alarm", () => {
    const p = memoryPartition();
    const first = apply(
      p,
      [100, 100, 100].map((v) => reading('s', v)),
      DEFAULT,
    );
    const id = alarmsOf(first.outbox)[0].id;
    const plan = apply(
      p,
      [reading('s', 100), clear('s', 'temperature', id), reading('s', 100), reading('s', 100), reading('s', 100)],
      DEFAULT,
    );
    const alarms = alarmsOf(plan.outbox);
    expect(alarms.map((a) => [a.transition, a.clearedBy])).toEqual([
      ['cleared', 'ops'],
      ['raised', null],
    ]);
    expect(alarms[0]).toMatchObject({ id, comment: 'seen', status: 'cleared', warnings: 4 });
    expect(alarms[1].id).not.toBe(id);
    // a clear of an alarm no longer active changes nothing
    expect(apply(p, [clear('s', 'temperature', id)], DEFAULT).outbox).toEqual([]);
  });

  it("when a rule's threshold changes, then its counters start again and its active alarm stays to be cleared by the new rule", () => {
    const p = memoryPartition();
    apply(
      p,
      [100, 100].map((v) => reading('s', v)),
      DEFAULT,
    );
    const changed = createRuleBook(parseRuleSet([{ metric: 'temperature', threshold: 99, warningsForEvent: 3 }]), 2);
    apply(p, [reading('s', 100)], changed);
    expect(p.state.fields.get('s')?.get('temperature')).toBe('1');
    // severity only: the counters go on
    const severity = createRuleBook(
      parseRuleSet([{ metric: 'temperature', threshold: 99, warningsForEvent: 3, severity: 'minor' }]),
      3,
    );
    apply(p, [reading('s', 100)], severity);
    expect(p.state.fields.get('s')?.get('temperature')).toBe('2');
  });

  it('when a silent sensor reports, then its silence alarm clears by the rule; the sweep raises it once', () => {
    const book = createRuleBook(parseRuleSet([{ name: 'silent', kind: 'silence', afterSeconds: 60 }]));
    const p = memoryPartition();
    const [only] = [reading('quiet', 20)];
    apply(p, [only], book);
    const lastSeen = (only as { reading: Reading }).reading.receivedAt;
    const sweep = (now: number) => {
      const plan = planSilence({
        rule: book.silenceRules[0],
        candidates: [{ sensorId: 'quiet', lastSeen }],
        loaded: p.loaded(),
        book,
        now,
      });
      p.write(plan);
      return plan;
    };
    expect(sweep(lastSeen + 59_000).outbox).toEqual([]);
    const raised = alarmsOf(sweep(lastSeen + 61_000).outbox);
    expect(raised).toEqual([
      expect.objectContaining({
        transition: 'raised',
        type: 'SENSOR_SILENT',
        metric: null,
        value: null,
        peak: null,
        raisedAt: lastSeen + 60_000,
        id: alarmIdFor(`quiet@${lastSeen}:silent`),
      }),
    ]);
    expect(sweep(lastSeen + 70_000).outbox).toEqual([]);
    const back = alarmsOf(apply(p, [reading('quiet', 21)], book).outbox);
    expect(back.map((a) => [a.transition, a.clearedBy, a.id])).toEqual([['cleared', 'rule', raised[0].id]]);
  });

  it('when rules have sensor patterns, then only matching sensors count', () => {
    const book = createRuleBook(
      parseRuleSet([{ metric: 'temperature', threshold: 95, warningsForEvent: 1, sensors: ['lab-*'] }]),
    );
    const p = memoryPartition();
    const plan = apply(p, [reading('lab-1', 100), reading('field-1', 100)], book);
    expect(eventsOf(plan.outbox).map((e) => e.sensorId)).toEqual(['lab-1']);
  });
});
