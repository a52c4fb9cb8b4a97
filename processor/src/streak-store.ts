// Redis side of the processor: applies evaluated readings with the Lua script (then, when configured,
// waits for replicas to hold the update) and drains the partition's outbox stream to the events topic.
// Works on a single Redis and on Redis Cluster alike: the keys of a partition share one hash tag.
import type { Cluster, Result } from 'ioredis';
import type { Producer } from 'kafkajs';
import { counterField, eventCodec, type PartitionKeys, partitionKeys, type RedisClient } from '../../shared/src';
import { dedupMember } from './dedup-member';
import type { Evaluated } from './reading-evaluation';
import { APPLY_READINGS_LUA } from './streak-script';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    applyReadings(...args: Array<string | Buffer | number>): Result<[number, number], Context>;
  }
}

const OUTBOX_DRAIN_MAX = 1000;
/** Cluster errors after which the client's map of slots is out of date. */
const STALE_SLOTS = /^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN) /;

export interface Applied {
  /** events the readings raised */
  raised: number;
  /** entries in the partition's outbox after the script (raised now or left by an earlier run) */
  pending: number;
}

export interface StreakStore {
  /**
   * Applies one chunk of a partition's readings (Kafka order) atomically, `lastOffset` being the
   * chunk's last offset; resolves once the update is on the configured number of replicas.
   */
  apply(partition: number, readings: Evaluated[], lastOffset: string): Promise<Applied>;
  /**
   * Sends the partition's pending events (acks from all replicas), then removes exactly those from the
   * outbox; stops between rounds when `keepGoing` says so. Resolves with the number sent.
   */
  drainOutbox(partition: number, keepGoing?: () => boolean): Promise<number>;
  keys(partition: number): PartitionKeys;
}

/** Fewer replicas than asked acknowledged the update in time: retried, offsets stay uncommitted. */
export class ReplicationPendingError extends Error {
  override readonly name = 'ReplicationPendingError';
}

export function createStreakStore(deps: {
  redis: RedisClient;
  producer: Producer;
  keyPrefix: string;
  readingsTopic: string;
  eventsTopic: string;
  dedupWindowMs: number;
  /** replicas that must acknowledge each update before apply resolves (WAIT); 0: none */
  waitReplicas?: number;
  waitTimeoutMs?: number;
}): StreakStore {
  const { redis, producer, keyPrefix, waitReplicas = 0, waitTimeoutMs = 1000 } = deps;
  redis.defineCommand('applyReadings', { lua: APPLY_READINGS_LUA });
  const keys = (partition: number) => partitionKeys(keyPrefix, deps.readingsTopic, partition);
  const isCluster = (redis as Cluster).isCluster === true;

  async function run(args: Array<string | Buffer>): Promise<[number, number]> {
    if (waitReplicas === 0) return redis.applyReadings(...args);
    // WAIT counts the replicas that hold this connection's writes, so it must follow the script on
    // the connection that ran it: one pipeline, which ioredis sends to one node (on Cluster, the
    // master of the partition's slot).
    const results = await redis
      .pipeline()
      .applyReadings(...args)
      .wait(waitReplicas, waitTimeoutMs)
      .exec();
    const [[scriptError, reply], [waitError, acknowledged]] = results as [
      [Error | null, [number, number]],
      [Error | null, number],
    ];
    if (scriptError) {
      // A pipeline is not redirected when only some of its commands fail: refresh the slots so the
      // retry goes to the slot's new master.
      if (isCluster && STALE_SLOTS.test(scriptError.message)) (redis as Cluster).refreshSlotsCache();
      throw scriptError;
    }
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
    async apply(partition, readings, lastOffset) {
      if (readings.length === 0) return { raised: 0, pending: 0 };
      const k = keys(partition);
      const args: Array<string | Buffer> = [
        String(3 + readings.length),
        k.progress,
        k.dedup,
        k.outbox,
        ...readings.map((e) => k.sensor(e.reading.sensorId)),
        lastOffset,
        String(deps.dedupWindowMs),
      ];
      for (const e of readings) {
        args.push(
          e.offset,
          dedupMember(e.reading.id) ?? '',
          String(e.reading.receivedAt),
          counterField(e.rule.metric),
          e.warning ? '1' : '0',
          String(e.rule.warningsForEvent),
          e.candidate ? eventCodec.encode(e.candidate) : '',
        );
      }
      const [raised, pending] = await run(args);
      return { raised, pending };
    },
    async drainOutbox(partition, keepGoing = () => true) {
      const key = keys(partition).outbox;
      let sent = 0;
      while (keepGoing()) {
        const entries = await redis.xrangeBuffer(key, '-', '+', 'COUNT', OUTBOX_DRAIN_MAX);
        if (entries.length === 0) break;
        const values = entries.map(([, fields]) => eventValue(fields));
        await producer.send({
          topic: deps.eventsTopic,
          acks: -1,
          messages: values.map((value) => ({ key: eventCodec.decode(value).sensorId, value })),
        });
        await redis.xdel(key, ...entries.map(([id]) => id.toString()));
        sent += entries.length;
      }
      return sent;
    },
  };
}

function eventValue(fields: Buffer[]): Buffer {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i].toString() === 'event') return fields[i + 1];
  throw new Error('outbox entry without an event field');
}
