// Redis side of the processor. Per chunk of a partition's messages: load the state the chunk needs
// (progress, dedup scores of its client ids, the sensor-hash fields of its rules: one pipeline, on
// Cluster one node), plan the chunk in memory (chunk-plan.ts), then write the plan with one Lua
// script that refuses it if the partition was written since the load (streak-script.ts), and on a
// refusal load and plan again. When configured, wait for replicas to hold the write. The silence
// sweep writes through the same path. The outbox is drained to the events and alarms topics.
// Works on a single Redis and on Redis Cluster alike: the keys of a partition share one hash tag.
import type { Cluster, Result } from 'ioredis';
import type { Message, Producer } from 'kafkajs';
import { alarmCodec, eventCodec, type PartitionKeys, partitionKeys, type RedisClient } from '../../shared/src';
import { ruleStateField } from '../../shared/src/redis-keys';
import {
  type ChunkItem,
  fieldsToLoad,
  type LoadedState,
  type OutboxEntry,
  planChunk,
  planSilence,
  type SensorWrite,
} from './chunk-plan';
import type { RuleBook } from './rule-book';
import { WRITE_PLAN_LUA } from './streak-script';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    writePlan(...args: Array<string | Buffer | number>): Result<[number, number], Context>;
  }
}

const OUTBOX_DRAIN_MAX = 1000;
/** Sensors a silence sweep round looks at; a partition with more due ones takes several rounds. */
const SWEEP_ROUND_MAX = 1000;
const SWEEP_ROUNDS_MAX = 20;
/** Plans refused in a row (writes racing ours) before apply gives up and lets the caller retry. */
const CAS_ATTEMPTS_MAX = 50;
/** Cluster errors after which the client's map of slots is out of date. */
const STALE_SLOTS = /^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN) /;

export interface Applied {
  /** events the chunk raised */
  raised: number;
  /** alarm transitions the chunk sent to the outbox */
  transitions: number;
  warnings: number;
  /** entries in the partition's outbox after the write (raised now or left by an earlier run) */
  pending: number;
}

export interface StreakStore {
  /**
   * Applies one chunk of a partition's messages (Kafka order) atomically, `lastOffset` being the
   * chunk's last offset, with the rules of `book`; resolves once the write is on the configured
   * number of replicas.
   */
  apply(partition: number, items: readonly ChunkItem[], lastOffset: string, book: RuleBook): Promise<Applied>;
  /** Raises the silence alarms due at `now` in the partition; resolves with the number raised. */
  sweepSilence(partition: number, book: RuleBook, now: number): Promise<number>;
  /**
   * Sends the partition's pending events and alarm transitions (acks from all replicas), then removes
   * exactly those from the outbox; stops between rounds when `keepGoing` says so. Resolves with the
   * number sent.
   */
  drainOutbox(partition: number, keepGoing?: () => boolean): Promise<number>;
  keys(partition: number): PartitionKeys;
}

/** Fewer replicas than asked acknowledged the update in time: retried, offsets stay uncommitted. */
export class ReplicationPendingError extends Error {
  override readonly name = 'ReplicationPendingError';
}

/** The partition was written by another writer too often in a row while we planned. */
export class WriteConflictError extends Error {
  override readonly name = 'WriteConflictError';
}

interface WriteArgs {
  rev: number;
  offset?: string;
  newest?: number;
  dedupAdds?: Array<{ member: Buffer; score: number }>;
  seen?: Map<string, number>;
  outbox: OutboxEntry[];
  sensorWrites: Map<string, SensorWrite>;
  extra?: Array<[string, string]>;
}

export function createStreakStore(deps: {
  redis: RedisClient;
  producer: Producer;
  keyPrefix: string;
  readingsTopic: string;
  eventsTopic: string;
  alarmsTopic: string;
  dedupWindowMs: number;
  /** replicas that must acknowledge each update before apply resolves (WAIT); 0: none */
  waitReplicas?: number;
  waitTimeoutMs?: number;
}): StreakStore {
  const { redis, producer, keyPrefix, waitReplicas = 0, waitTimeoutMs = 1000 } = deps;
  redis.defineCommand('writePlan', { lua: WRITE_PLAN_LUA });
  const keys = (partition: number) => partitionKeys(keyPrefix, deps.readingsTopic, partition);
  const isCluster = (redis as Cluster).isCluster === true;

  function failed(err: Error): never {
    // A pipeline is not redirected when only some of its commands fail: refresh the slots so the
    // retry goes to the slot's new master.
    if (isCluster && STALE_SLOTS.test(err.message)) (redis as Cluster).refreshSlotsCache();
    throw err;
  }

  /** Loads progress, dedup scores and sensor fields in one pipeline (one node: one hash tag). */
  async function load(
    k: PartitionKeys,
    fields: ReadonlyMap<string, ReadonlySet<string>>,
    members: readonly Buffer[],
    extraProgress: string[] = [],
  ): Promise<{ loaded: LoadedState; extra: Array<string | null> }> {
    const pipeline = redis.pipeline().hmget(k.progress, 'offset', 'newest', 'rev', ...extraProgress);
    if (members.length) pipeline.zmscore(k.dedup, ...members);
    const sensors = [...fields.entries()].map(([id, f]) => [id, [...f]] as const);
    for (const [id, f] of sensors) pipeline.hmget(k.sensor(id), ...f);
    const results = (await pipeline.exec()) ?? [];
    for (const [err] of results) if (err) failed(err);
    const [progress, ...rest] = results.map(([, v]) => v);
    const [offset, newest, rev, ...extra] = progress as Array<string | null>;
    const dedup = new Set<string>();
    if (members.length) {
      const scores = rest.shift() as Array<string | null>;
      members.forEach((m, i) => scores[i] !== null && dedup.add(m.toString('hex')));
    }
    const loadedFields = new Map<string, Map<string, string | null>>();
    sensors.forEach(([id, f], i) => {
      const values = rest[i] as Array<string | null>;
      loadedFields.set(id, new Map(f.map((name, j) => [name, values[j]])));
    });
    return {
      loaded: {
        offset: offset === null ? -1 : Number(offset),
        newest: Number(newest ?? 0),
        rev: Number(rev ?? 0),
        dedup,
        fields: loadedFields,
      },
      extra,
    };
  }

  async function write(k: PartitionKeys, w: WriteArgs): Promise<{ applied: boolean; pending: number }> {
    const dedupAdds = w.dedupAdds ?? [];
    const seen = [...(w.seen ?? new Map()).entries()];
    const writes = [...w.sensorWrites.entries()];
    const extra = w.extra ?? [];
    const keyList = [k.progress, k.dedup, k.outbox, k.seen, ...writes.map(([id]) => k.sensor(id))];
    const args: Array<string | Buffer> = [
      String(keyList.length),
      ...keyList,
      String(w.rev),
      w.offset ?? '',
      w.newest === undefined ? '' : String(w.newest),
      String(deps.dedupWindowMs),
      String(dedupAdds.length),
      String(seen.length),
      String(w.outbox.length),
      String(writes.length),
      String(extra.length),
    ];
    for (const d of dedupAdds) args.push(String(d.score), d.member);
    for (const [id, at] of seen) args.push(String(at), id);
    for (const e of w.outbox) {
      args.push(e.topic, e.key, e.topic === 'events' ? eventCodec.encode(e.event) : alarmCodec.encode(e.alarm));
    }
    for (const [, s] of writes) {
      args.push(String(s.set.size), String(s.del.length));
      for (const [f, v] of s.set) args.push(f, v);
      args.push(...s.del);
    }
    for (const [f, v] of extra) args.push(f, v);
    const [applied, pending] = await run(args);
    return { applied: applied === 1, pending };
  }

  async function run(args: Array<string | Buffer>): Promise<[number, number]> {
    if (waitReplicas === 0) return redis.writePlan(...args);
    // WAIT counts the replicas that hold this connection's writes, so it must follow the script on
    // the connection that ran it: one pipeline, which ioredis sends to one node (on Cluster, the
    // master of the partition's slot).
    const results = await redis
      .pipeline()
      .writePlan(...args)
      .wait(waitReplicas, waitTimeoutMs)
      .exec();
    const [[scriptError, reply], [waitError, acknowledged]] = results as [
      [Error | null, [number, number]],
      [Error | null, number],
    ];
    if (scriptError) failed(scriptError);
    if (waitError) throw waitError;
    if (acknowledged < waitReplicas) {
      throw new ReplicationPendingError(
        `Redis update held by ${acknowledged} of ${waitReplicas} replicas after ${waitTimeoutMs} ms`,
      );
    }
    return reply;
  }

  return {
    keys,
    async apply(partition, items, lastOffset, book) {
      const k = keys(partition);
      const { fields, members, memberOf } = fieldsToLoad(items, book);
      for (let attempt = 1; attempt <= CAS_ATTEMPTS_MAX; attempt++) {
        const { loaded } = await load(k, fields, members);
        const plan = planChunk({ items, lastOffset, loaded, book, memberOf });
        const nothing =
          plan.offset === undefined &&
          plan.newest === undefined &&
          plan.outbox.length === 0 &&
          plan.sensorWrites.size === 0;
        if (nothing) {
          // a replay of what was applied: only the outbox may still hold what its first run raised
          return { raised: 0, transitions: 0, warnings: 0, pending: await redis.xlen(k.outbox) };
        }
        const { applied, pending } = await write(k, { rev: loaded.rev, ...plan });
        if (applied) return { raised: plan.events, transitions: plan.transitions, warnings: plan.warnings, pending };
      }
      throw new WriteConflictError(
        `partition ${partition}: ${CAS_ATTEMPTS_MAX} plans in a row refused (concurrent writers)`,
      );
    },
    async sweepSilence(partition, book, now) {
      const k = keys(partition);
      let raised = 0;
      for (const rule of book.silenceRules) {
        const mark = `silence:${rule.name}:${book.fingerprint(rule)}`;
        const field = ruleStateField(rule.name, 'alarm');
        const cutoff = now - rule.afterSeconds * 1000;
        for (let round = 0, attempts = 0; round < SWEEP_ROUNDS_MAX && attempts < CAS_ATTEMPTS_MAX; attempts++) {
          const [, watermarkText] = (await redis.hmget(k.progress, 'rev', mark)) as Array<string | null>;
          const from = watermarkText === null ? '-inf' : `(${watermarkText}`;
          const flat = await redis.zrangebyscore(
            k.seen,
            from,
            String(cutoff),
            'WITHSCORES',
            'LIMIT',
            0,
            SWEEP_ROUND_MAX,
          );
          const candidates: Array<{ sensorId: string; lastSeen: number }> = [];
          for (let i = 0; i + 1 < flat.length; i += 2)
            candidates.push({ sensorId: flat[i], lastSeen: Number(flat[i + 1]) });
          if (candidates.length === 0) break;
          const fields = new Map(candidates.map((c) => [c.sensorId, new Set([field])]));
          const { loaded, extra } = await load(k, fields, [], [mark]);
          // the watermark moved since it was read: another sweep got there first
          if (extra[0] !== watermarkText) continue;
          const plan = planSilence({ rule, candidates, loaded, book, now });
          const full = candidates.length === SWEEP_ROUND_MAX;
          // The watermark is the last score looked at, not the cutoff: a sensor whose late-processed
          // reading lands below the cutoff afterwards is still found. After a full round the next
          // starts just below its last score (sensors sharing it are looked at again, and skipped).
          const last = candidates[candidates.length - 1].lastSeen;
          const next = full ? last - 1 : last;
          const { applied } = await write(k, { rev: loaded.rev, ...plan, extra: [[mark, String(next)]] });
          if (!applied) continue;
          raised += plan.transitions;
          round++;
          if (!full) break;
        }
      }
      return raised;
    },
    async drainOutbox(partition, keepGoing = () => true) {
      const key = keys(partition).outbox;
      let sent = 0;
      while (keepGoing()) {
        const entries = await redis.xrangeBuffer(key, '-', '+', 'COUNT', OUTBOX_DRAIN_MAX);
        if (entries.length === 0) break;
        const byTopic = new Map<string, Message[]>();
        for (const [, fields] of entries) {
          const { topic, message } = outboxMessage(fields, deps.eventsTopic, deps.alarmsTopic);
          byTopic.set(topic, [...(byTopic.get(topic) ?? []), message]);
        }
        // one send for both topics: were they two, one could still be in flight when the other failed
        // and the retry sent its messages again next to it (two sends of a partition at once)
        await producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
        await redis.xdel(key, ...entries.map(([id]) => id.toString()));
        sent += entries.length;
      }
      return sent;
    },
  };
}

/** An outbox entry as a Kafka message; entries of the earlier layout (one `event` field) are events. */
function outboxMessage(
  fields: Buffer[],
  eventsTopic: string,
  alarmsTopic: string,
): { topic: string; message: Message } {
  const f = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i].toString(), fields[i + 1]);
  const legacy = f.get('event');
  if (legacy) return { topic: eventsTopic, message: { key: eventCodec.decode(legacy).sensorId, value: legacy } };
  const value = f.get('value');
  if (!value) throw new Error('outbox entry without a value');
  const topic = f.get('topic')?.toString() === 'alarms' ? alarmsTopic : eventsTopic;
  return { topic, message: { key: f.get('key')?.toString() ?? null, value } };
}
