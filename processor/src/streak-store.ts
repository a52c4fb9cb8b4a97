// Redis side of the processor: applies evaluated readings with the Lua script and drains the
// partition outbox to the events topic.

import type Redis from 'ioredis';
import type { Result } from 'ioredis';
import type { Producer } from 'kafkajs';
import { eventCodec } from '../../shared/src';
import type { Evaluated } from './reading-evaluation';
import { APPLY_READINGS_LUA } from './streak-script';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    applyReadings(...args: Array<string | Buffer | number>): Result<number, Context>;
  }
}

const OUTBOX_DRAIN_MAX = 1000;

export interface StreakStore {
  /** Applies the readings (one partition, Kafka order) atomically; returns how many events were raised. */
  apply(partition: number, readings: Evaluated[]): Promise<number>;
  /** Sends the partition's pending events (acks from all replicas), then removes them from the outbox. */
  drainOutbox(partition: number): Promise<number>;
  warningsKey(sensorId: string): string;
}

export function createStreakStore(deps: {
  redis: Redis;
  producer: Producer;
  keyPrefix: string;
  readingsTopic: string;
  eventsTopic: string;
}): StreakStore {
  const { redis, producer, keyPrefix } = deps;
  redis.defineCommand('applyReadings', { lua: APPLY_READINGS_LUA });
  const warningsKey = (sensorId: string) => `${keyPrefix}warnings:${sensorId}`;
  const outboxKey = (partition: number) => `${keyPrefix}outbox:${deps.readingsTopic}:${partition}`;

  return {
    warningsKey,
    async apply(partition, readings) {
      if (readings.length === 0) return 0;
      const keys = [outboxKey(partition), ...readings.map((e) => warningsKey(e.reading.sensorId))];
      const args: Array<string | Buffer> = [String(partition)];
      for (const e of readings) {
        args.push(
          e.reading.metric,
          e.offset,
          e.reading.id,
          e.warning ? '1' : '0',
          String(e.rule.warningsForEvent),
          e.candidate ? eventCodec.encode(e.candidate) : '',
        );
      }
      return redis.applyReadings(keys.length, ...keys, ...args);
    },
    async drainOutbox(partition) {
      const key = outboxKey(partition);
      let sent = 0;
      for (;;) {
        const pending = await redis.lrangeBuffer(key, 0, OUTBOX_DRAIN_MAX - 1);
        if (pending.length === 0) return sent;
        await producer.send({
          topic: deps.eventsTopic,
          acks: -1,
          messages: pending.map((value) => ({ key: eventCodec.decode(value).sensorId, value })),
        });
        // Only this partition's owner appends to or trims this list, so the first `pending.length`
        // items are exactly the ones just sent.
        await redis.ltrim(key, pending.length, -1);
        sent += pending.length;
      }
    },
  };
}
