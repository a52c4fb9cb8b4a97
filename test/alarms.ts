// Alarm transitions for the tests: a valid AlarmMessage with any field overridden, and producing
// them to an alarms topic keyed by sensor id (as the processor does).
import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { type AlarmMessage, alarmCodec } from '../shared/src';

export function alarm(overrides: Partial<AlarmMessage> = {}): AlarmMessage {
  const raisedAt = overrides.raisedAt ?? Date.parse('2026-11-22T10:00:00Z');
  return {
    transition: 'raised',
    id: randomUUID(),
    sensorId: 's-42',
    rule: 'temperature',
    metric: 'temperature',
    type: 'TEMPERATURE_EXCEEDED',
    severity: 'major',
    status: 'active',
    acknowledged: false,
    raisedAt,
    value: 99,
    peak: 99,
    events: 1,
    warnings: 3,
    lastWarningAt: raisedAt,
    clearedAt: null,
    clearedBy: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    comment: null,
    version: 1,
    at: raisedAt,
    ...overrides,
  };
}

/** The alarm after its clear by the rule at `clearedAt`. */
export function cleared(raised: AlarmMessage, clearedAt: number, overrides: Partial<AlarmMessage> = {}): AlarmMessage {
  return {
    ...raised,
    transition: 'cleared',
    status: 'cleared',
    clearedAt,
    clearedBy: 'rule',
    version: raised.version + 1,
    at: clearedAt,
    ...overrides,
  };
}

export async function produceAlarms(producer: Producer, topic: string, alarms: AlarmMessage[]): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    messages: alarms.map((a) => ({ key: a.sensorId, value: alarmCodec.encode(a) })),
  });
}
