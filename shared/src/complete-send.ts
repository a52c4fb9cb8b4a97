// A kafkajs send that resolves only when every partition it wrote to has answered.
//
// kafkajs 2.2.4's sendMessages groups a send's messages by partition leader and keeps, across its
// retries, the response of each broker that has answered. When a broker dies under a send, the retry
// asks the cluster for the new leaders of its partitions; when a new leader is a broker that already
// answered for other partitions, the retry skips it, and the send resolves without those partitions
// ever written (upstream: tulios/kafkajs#1798 is about the same shared map). The cluster fault suite
// lost accepted readings that way (shared/src/producer-cluster.int.test.ts reproduces it).
//
// The fix keeps kafkajs' request path (one produce request per broker, so no extra round trips): its
// partitioner tells which partition it gave each message, the resolved send's record metadata tells
// which partitions answered, and the messages of the others are sent again, pinned to their
// partition. Their sequence numbers were handed back when their request failed (sendMessages
// subtracts them again), so the new send is the idempotent retry kafkajs should have made: a copy the
// dead leader had already replicated is dropped by the new one as a duplicate.
import {
  type ICustomPartitioner,
  type Message,
  Partitioners,
  type Producer,
  type ProducerBatch,
  type ProducerRecord,
  type RecordMetadata,
  type TopicMessages,
} from 'kafkajs';

/** Which partition kafkajs' partitioner gave each message object it was shown (the latest time). */
export type PartitionLog = WeakMap<Message, number>;

/** kafkajs' DefaultPartitioner (Java-compatible murmur2), noting each message's partition in `log`. */
export function loggingPartitioner(log: PartitionLog): ICustomPartitioner {
  return () => {
    const partitioner = Partitioners.DefaultPartitioner();
    return (args) => {
      const partition = partitioner(args);
      log.set(args.message, partition);
      return partition;
    };
  };
}

/**
 * The messages of `sent` whose partition is not among the answers, each pinned to the partition it
 * was given (a message without a key would otherwise go round-robin to another one).
 */
export function unanswered(
  sent: TopicMessages[],
  answers: RecordMetadata[],
  partitionOf: (message: Message) => number | undefined,
): TopicMessages[] {
  const answered = new Set(answers.map((a) => `${a.partition}\u0000${a.topicName}`));
  const missing: TopicMessages[] = [];
  for (const { topic, messages } of sent) {
    const left = messages
      .map((message) => ({ message, partition: partitionOf(message) ?? message.partition }))
      .filter(({ partition }) => partition === undefined || !answered.has(`${partition}\u0000${topic}`))
      .map(({ message, partition }) => (partition === undefined ? message : { ...message, partition }));
    if (left.length) missing.push({ topic, messages: left });
  }
  return missing;
}

/** At most this many sends again of what a send left out (each one means a broker died under it). */
const MAX_RESENDS = 20;

/**
 * `producer` whose send and sendBatch resolve once every partition they wrote to has answered,
 * sending again what kafkajs left out. `log` must be the log of the producer's partitioner.
 */
export function completeSends(
  producer: Producer,
  log: PartitionLog,
  onResend?: (partitions: number, messages: number) => void,
): Producer {
  const sendBatch = async (batch: ProducerBatch): Promise<RecordMetadata[]> => {
    // acks 0: no answers to check
    if (batch.acks === 0) return producer.sendBatch(batch);
    const answers: RecordMetadata[] = [];
    let pending = batch.topicMessages ?? [];
    for (let resend = 0; pending.length; resend++) {
      if (resend > MAX_RESENDS) {
        throw new Error(`kafkajs left partitions unanswered ${MAX_RESENDS} times in a row; giving up the send`);
      }
      const got = await producer.sendBatch({ ...batch, topicMessages: pending });
      answers.push(...got);
      pending = unanswered(pending, got, (m) => log.get(m));
      if (pending.length) {
        onResend?.(
          new Set(pending.flatMap((t) => t.messages.map((m) => `${m.partition}\u0000${t.topic}`))).size,
          pending.reduce((n, t) => n + t.messages.length, 0),
        );
      }
    }
    return answers;
  };
  const send = ({ topic, messages, ...rest }: ProducerRecord): Promise<RecordMetadata[]> =>
    sendBatch({ ...rest, topicMessages: [{ topic, messages }] });
  return { ...producer, send, sendBatch };
}
