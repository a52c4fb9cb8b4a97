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
//                                        `newest` newest receivedAt applied (ms, the dedup clock)
//   <prefix>{<topic>:<p>}:dedup          sorted set: client-id readings seen, scored by receivedAt
//   <prefix>{<topic>:<p>}:outbox         stream: events raised and not yet sent (field `event`)
//   <prefix>{<topic>:<p>}:sensor:<id>    hash: per-(sensor, rule) state, fields named after the rule
//
// Fields of the sensor hash: `<rule name>` is the rule's count of warnings in a row; any other state
// of a rule is `<rule name>:<what>`. Rule names never contain ':', so the two cannot collide.

export interface PartitionKeys {
  /** the partition's hash tag, `{<topic>:<partition>}` */
  tag: string;
  progress: string;
  dedup: string;
  outbox: string;
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
 * so the key of a sensor's state can be found from its id and the topic's partition count.
 */
export function kafkaPartitionOf(key: string | Buffer, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new Error('partitions must be a positive integer');
  return (murmur2(Buffer.isBuffer(key) ? key : Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}

/** The key of a sensor's state hash on a readings topic with that many partitions. */
export function sensorStateKey(prefix: string, topic: string, partitions: number, sensorId: string): string {
  return partitionKeys(prefix, topic, kafkaPartitionOf(sensorId, partitions)).sensor(sensorId);
}

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils#murmur2), in 32-bit integer arithmetic. */
export function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & ~3;
  const rest = length % 4;
  if (rest >= 3) h ^= data[tail + 2] << 16;
  if (rest >= 2) h ^= data[tail + 1] << 8;
  if (rest >= 1) h = Math.imul(h ^ data[tail], m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}
