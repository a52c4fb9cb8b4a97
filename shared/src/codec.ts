// Avro values on Kafka. Each value is framed like Confluent's wire format: a zero magic byte, a 4-byte
// big-endian schema id, then the Avro binary. The id lets a consumer tell "not ours" or "a schema we
// do not know" (a poison message, dead-lettered) from a value it can decode.
import avro from 'avsc';
import alarmSchema from '../avro/alarm.v1.avsc.json';
import commandSchema from '../avro/command.v1.avsc.json';
import eventSchema from '../avro/event.v1.avsc.json';
import logSchema from '../avro/log.v1.avsc.json';
import readingSchema from '../avro/reading.v1.avsc.json';
import ruleSetSchema from '../avro/rule-set.v1.avsc.json';

export interface Reading {
  id: string;
  sensorId: string;
  metric: string;
  value: number;
  /** epoch ms */
  at: number;
  /** epoch ms */
  receivedAt: number;
}

export interface SensorEvent {
  id: string;
  sensorId: string;
  metric: string;
  type: string;
  value: number;
  at: number;
  threshold: number;
  rule: string;
  warningsForEvent: number;
  readingId: string;
}

export type AlarmTransitionKind = 'raised' | 'updated' | 'acknowledged' | 'cleared';

/** A message of the alarms topic: one transition, with the alarm as it is after it (times epoch ms). */
export interface AlarmMessage {
  transition: AlarmTransitionKind;
  id: string;
  sensorId: string;
  rule: string;
  metric: string | null;
  type: string;
  severity: string;
  status: 'active' | 'cleared';
  acknowledged: boolean;
  raisedAt: number;
  value: number | null;
  peak: number | null;
  events: number;
  warnings: number;
  lastWarningAt: number | null;
  clearedAt: number | null;
  clearedBy: string | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  comment: string | null;
  /** the processor's transitions of this alarm so far: consumers keep the highest */
  version: number;
  at: number;
}

/** An operator's action on a sensor, in the readings topic so it is applied in order with its readings. */
export interface SensorCommand {
  id: string;
  kind: 'clear_alarm';
  sensorId: string;
  rule: string;
  alarmId: string;
  by: string;
  comment: string | null;
  at: number;
}

/** A version of the rule set on the compacted rules topic (rules: the JSON text of the set). */
export interface RuleSetMessage {
  version: number;
  rules: string;
  at: number;
}

/** Log levels, least severe first (a query's `level` means that level and above). */
export const LOG_LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A message of the logs topic: one log line of one sensor (times epoch ms). */
export interface LogLine {
  id: string;
  sensorId: string;
  level: LogLevel;
  source: string | null;
  message: string;
  at: number;
  receivedAt: number;
}

export const SCHEMA_IDS = { readingV1: 1, eventV1: 2, alarmV1: 3, commandV1: 4, ruleSetV1: 5, logV1: 6 } as const;

const MAGIC = 0;
const HEADER_BYTES = 5;

/** A value that is not ours: thrown by decoders, dead-lettered by consumers. Retrying cannot help. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

export interface Codec<T> {
  schemaId: number;
  encode(value: T): Buffer;
  decode(buffer: Buffer | null): T;
}

function createCodec<T>(schemaId: number, schema: object): Codec<T> {
  // timestamp-millis stays a plain long (epoch ms): no logical type hooks, so values round-trip as numbers.
  const type = avro.Type.forSchema(schema as avro.Schema);
  return {
    schemaId,
    encode(value: T): Buffer {
      const body = type.toBuffer(value);
      const framed = Buffer.allocUnsafe(HEADER_BYTES + body.length);
      framed.writeUInt8(MAGIC, 0);
      framed.writeUInt32BE(schemaId, 1);
      body.copy(framed, HEADER_BYTES);
      return framed;
    },
    decode(buffer: Buffer | null): T {
      if (!buffer || buffer.length < HEADER_BYTES)
        throw new PoisonMessageError('value is empty or shorter than the Avro frame header');
      if (buffer.readUInt8(0) !== MAGIC) throw new PoisonMessageError(`unknown magic byte ${buffer.readUInt8(0)}`);
      const id = buffer.readUInt32BE(1);
      if (id !== schemaId) throw new PoisonMessageError(`unknown schema id ${id} (expected ${schemaId})`);
      let decoded: { value: unknown; offset: number };
      try {
        decoded = type.decode(buffer, HEADER_BYTES);
      } catch (err) {
        throw new PoisonMessageError(`invalid Avro: ${(err as Error).message}`);
      }
      // offset -1: truncated; offset short of the end: trailing garbage. Both mean "not this schema".
      if (decoded.offset !== buffer.length) throw new PoisonMessageError('Avro body does not match the schema length');
      return decoded.value as T;
    },
  };
}

export const readingCodec: Codec<Reading> = createCodec<Reading>(SCHEMA_IDS.readingV1, readingSchema);
export const eventCodec: Codec<SensorEvent> = createCodec<SensorEvent>(SCHEMA_IDS.eventV1, eventSchema);
export const alarmCodec: Codec<AlarmMessage> = createCodec<AlarmMessage>(SCHEMA_IDS.alarmV1, alarmSchema);
export const commandCodec: Codec<SensorCommand> = createCodec<SensorCommand>(SCHEMA_IDS.commandV1, commandSchema);
export const ruleSetCodec: Codec<RuleSetMessage> = createCodec<RuleSetMessage>(SCHEMA_IDS.ruleSetV1, ruleSetSchema);
export const logCodec: Codec<LogLine> = createCodec<LogLine>(SCHEMA_IDS.logV1, logSchema);

/** The schema id of a framed value, or undefined when it is not framed as ours (consumers of the readings topic tell readings from commands by it). */
export function schemaIdOf(buffer: Buffer | null): number | undefined {
  return buffer && buffer.length >= HEADER_BYTES && buffer.readUInt8(0) === MAGIC ? buffer.readUInt32BE(1) : undefined;
}
