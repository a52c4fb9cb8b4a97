import type { Message, RecordMetadata } from 'kafkajs';
import { loggingPartitioner, type PartitionLog, unanswered } from './complete-send';
import { kafkaPartitionOf } from './redis-keys';

const answer = (topicName: string, partition: number): RecordMetadata => ({
  topicName,
  partition,
  errorCode: 0,
  baseOffset: '0',
});

describe('loggingPartitioner', () => {
  it('when kafkajs asks it for a partition, then it answers as the DefaultPartitioner and notes the answer', () => {
    const log: PartitionLog = new WeakMap();
    const partitioner = loggingPartitioner(log)();
    const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({
      partitionId,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    }));
    const keyed: Message = { key: 'sensor-7', value: 'x' };
    const pinned: Message = { key: 'sensor-7', value: 'x', partition: 4 };
    expect(partitioner({ topic: 't', partitionMetadata, message: keyed })).toBe(kafkaPartitionOf('sensor-7', 6));
    expect(partitioner({ topic: 't', partitionMetadata, message: pinned })).toBe(4);
    expect([log.get(keyed), log.get(pinned)]).toEqual([kafkaPartitionOf('sensor-7', 6), 4]);
  });
});

describe('unanswered', () => {
  const a: Message = { key: 'a', value: '1' };
  const b: Message = { key: 'b', value: '2' };
  const c: Message = { key: 'c', value: '3' };
  const partitionOf = (m: Message) => ({ a: 0, b: 1, c: 2 })[String(m.key) as 'a' | 'b' | 'c'];

  it('when every partition a send wrote to answered, then nothing is left', () => {
    const sent = [{ topic: 'readings', messages: [a, b, c] }];
    const answers = [answer('readings', 0), answer('readings', 1), answer('readings', 2)];
    expect(unanswered(sent, answers, partitionOf)).toEqual([]);
  });

  it('when a partition did not answer, then its messages are left, pinned to the partition they were given', () => {
    const sent = [{ topic: 'readings', messages: [a, b, c] }];
    const answers = [answer('readings', 0), answer('readings', 2)];
    expect(unanswered(sent, answers, partitionOf)).toEqual([{ topic: 'readings', messages: [{ ...b, partition: 1 }] }]);
  });

  it('when the same partition number answered for another topic, then it does not count for this one', () => {
    const sent = [
      { topic: 'events', messages: [a] },
      { topic: 'alarms', messages: [a] },
    ];
    expect(unanswered(sent, [answer('events', 0)], partitionOf)).toEqual([
      { topic: 'alarms', messages: [{ ...a, partition: 0 }] },
    ]);
  });
});
