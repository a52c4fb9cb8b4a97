// Producing test readings straight to the readings topic, as the receiver would.
import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { type Reading, readingCodec } from '../shared/src';

let clock = Date.parse('2026-11-22T10:00:00Z');

export function reading(sensorId: string, value: number, metric = 'temperature', at?: number): Reading {
  clock += 1000;
  return { id: randomUUID(), sensorId, metric, value, at: at ?? clock, receivedAt: clock };
}

export async function produceReadings(producer: Producer, topic: string, readings: Reading[]): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    messages: readings.map((r) => ({ key: r.sensorId, value: readingCodec.encode(r) })),
  });
}
