// The processor's Redis key layout, in one place, for the processor and for whoever reads its state
// (the tester, the fault suite). Pure.
//
// Every key of one Kafka partition of the readings topic carries one Redis Cluster hash tag,
// `{<readings topic>:<partition>}`, so the Lua script of a chunk (many sensors of that partition, the
// partition's progress, dedup set and outbox) touches one slot, which Cluster requires. A sensor
// always lives in one partition (the readings are keyed by sensor id), so its state has one home. The
// topic in the tag also means a new readings topic starts from fresh state rather than skipping its
// first offsets as "already applied" on the strength of another topic's positions.
//
//   <prefix>{<topic>:<p>}:progress       hash: `offset` last applied Kafka offset of the partition,
//                                        `newest` newest receivedAt applied (ms, the dedup clock),
//                                        `rev` writes so far (the processor's compare-and-set),
//                                        `silence:<rule>:<fp>` the silence sweep's watermark
//   <prefix>{<topic>:<p>}:dedup          sorted set: client-id readings seen, scored by receivedAt
//   <prefix>{<topic>:<p>}:outbox         stream: events and alarm transitions not yet sent (fields
//                                        `topic`: events|alarms, `value`: the Avro bytes)
//   <prefix>{<topic>:<p>}:seen           sorted set: sensor ids scored by their last receivedAt (silence rules)
//   <prefix>{<topic>:<p>}:sensor:<id>    hash: per-(sensor, rule) state, fields named after the rule
//
// Fields of the sensor hash: `<rule name>` is the rule's count of warnings in a row; any other state
// of a rule is `<rule name>:<what>` (`clearing` streak, `alarm` the active alarm as JSON, `fp` the
// fingerprint of the rule the state belongs to). Rule names never contain ':', so they cannot collide.

import { Partitioners } from 'kafkajs';

const defaultPartitioner = Partitioners.DefaultPartitioner();

export interface PartitionKeys {
  /** the partition's hash tag, `{<topic>:<partition>}` */
  tag: string;
  progress: string;
  dedup: string;
  outbox: string;
  seen: string;
  sensor(sensorId: string): string;
}

export function partitionKeys(prefix: string, topic: string, partition: number): PartitionKeys {
  if (/[{}]/.test(prefix)) throw new Error(`Redis key prefix "${prefix}" must not contain { or }`);
  const tag = `{${topic}:${partition}}`;
  const base = `${prefix}${tag}:`;
  return {
    tag,
    progress: `${base}progress`,
    dedup: `${base}dedup`,
    outbox: `${base}outbox`,
    seen: `${base}seen`,
    sensor: (sensorId) => `${base}sensor:${sensorId}`,
  };
}

/** The field of a sensor's hash holding a rule's count of warnings in a row (the rule name is the metric today). */
export function counterField(ruleName: string): string {
  return ruleName;
}

/** The field of a sensor's hash holding other state of a rule (e.g. an alarm). */
export function ruleStateField(ruleName: string, what: string): string {
  return `${ruleName}:${what}`;
}

/**
 * The partition kafkajs' DefaultPartitioner (Java-compatible murmur2) gives a message with this key,
 * so the key of a sensor's state can be found from its id and the topic's partition count. It asks
 * kafkajs itself: a keyed message's partition depends only on the key and the partition count.
 */
export function kafkaPartitionOf(key: string | Buffer, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new Error('partitions must be a positive integer');
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return defaultPartitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}

/** The key of a sensor's state hash on a readings topic with that many partitions. */
export function sensorStateKey(prefix: string, topic: string, partitions: number, sensorId: string): string {
  return partitionKeys(prefix, topic, kafkaPartitionOf(sensorId, partitions)).sensor(sensorId);
}
