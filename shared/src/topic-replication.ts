// How many copies of each partition the pipeline's topics get, and how many of them must have a
// reading before Kafka acknowledges it (min.insync.replicas, which a 200 of the receiver waits for):
// decided from the settings and from the brokers the cluster has when the topics are created.

/** A setting of KAFKA_REPLICATION_FACTOR or KAFKA_MIN_INSYNC_REPLICAS: a number, or "auto". */
export type ReplicationSetting = number | 'auto';

export interface TopicReplication {
  replicationFactor: number;
  minInsyncReplicas: number;
}

/**
 * "auto": as many replicas as brokers, at most 3 (1 on a single broker); min.insync.replicas 2 once
 * there are 3 replicas or more, so that a 200 survives the loss of any one broker while one broker
 * down still leaves writes possible; 1 below that (with 2 replicas, 2 in sync would stop every write
 * as soon as either broker is down).
 */
export function topicReplication(
  settings: { replicationFactor: ReplicationSetting; minInsyncReplicas: ReplicationSetting },
  brokers: number,
): TopicReplication {
  if (!Number.isInteger(brokers) || brokers < 1) throw new Error(`the Kafka cluster reports ${brokers} brokers`);
  const replicationFactor = settings.replicationFactor === 'auto' ? Math.min(3, brokers) : settings.replicationFactor;
  if (replicationFactor > brokers) {
    throw new Error(
      `KAFKA_REPLICATION_FACTOR is ${replicationFactor} but the Kafka cluster has ${brokers} broker(s) running`,
    );
  }
  const minInsyncReplicas =
    settings.minInsyncReplicas === 'auto' ? (replicationFactor >= 3 ? 2 : 1) : settings.minInsyncReplicas;
  if (minInsyncReplicas > replicationFactor) {
    throw new Error(
      `KAFKA_MIN_INSYNC_REPLICAS is ${minInsyncReplicas}, more than the replication factor ${replicationFactor}: no write could be acknowledged`,
    );
  }
  return { replicationFactor, minInsyncReplicas };
}
