// Kafka messages → rows for PostgreSQL. Pure. A value that does not decode, or that decodes to
// something PostgreSQL would refuse (a foreign producer's NUL byte, an absurd date), is poison:
// it is dead-lettered instead of blocking the partition with a write that can never succeed.
import type { KafkaMessage } from 'kafkajs';
import {
  type Codec,
  eventCodec,
  MAX_VALUE_MAGNITUDE,
  METRIC_NAME,
  type PoisonMessage,
  PoisonMessageError,
  type Reading,
  readingCodec,
  type SensorEvent,
} from '../../shared/src';

const SAFE_TEXT = /^[\x21-\x7e]{1,400}$/;
// PostgreSQL timestamptz spans far more; this keeps Date and ISO-8601 formatting well-defined.
const MIN_MS = Date.UTC(1970, 0, 1);
const MAX_MS = Date.UTC(9999, 11, 31);

export type Row<T> = { kind: 'row'; value: T } | { kind: 'poison'; poison: PoisonMessage };

function checkCommon(v: { id: string; sensorId: string; metric: string; value: number; at: number }): void {
  if (!SAFE_TEXT.test(v.id) || !SAFE_TEXT.test(v.sensorId))
    throw new PoisonMessageError('id or sensorId is not printable ASCII');
  if (!METRIC_NAME.test(v.metric)) throw new PoisonMessageError('metric name is not valid');
  if (!Number.isFinite(v.value) || Math.abs(v.value) > MAX_VALUE_MAGNITUDE) {
    throw new PoisonMessageError(`value is not finite or beyond ${MAX_VALUE_MAGNITUDE}`);
  }
  if (!(v.at >= MIN_MS && v.at <= MAX_MS)) throw new PoisonMessageError('at is out of range');
}

function toRow<T>(
  codec: Codec<T>,
  check: (v: T) => void,
  message: KafkaMessage,
  topic: string,
  partition: number,
): Row<T> {
  try {
    const value = codec.decode(message.value);
    check(value);
    return { kind: 'row', value };
  } catch (err) {
    if (!(err instanceof PoisonMessageError)) throw err;
    return { kind: 'poison', poison: { topic, partition, message, error: err } };
  }
}

export const readingRow = (message: KafkaMessage, topic: string, partition: number): Row<Reading> =>
  toRow(
    readingCodec,
    (r) => {
      checkCommon(r);
      if (!(r.receivedAt >= MIN_MS && r.receivedAt <= MAX_MS))
        throw new PoisonMessageError('receivedAt is out of range');
    },
    message,
    topic,
    partition,
  );

export const eventRow = (message: KafkaMessage, topic: string, partition: number): Row<SensorEvent> =>
  toRow(
    eventCodec,
    (e) => {
      checkCommon(e);
      if (!Number.isFinite(e.threshold)) throw new PoisonMessageError('threshold is not finite');
    },
    message,
    topic,
    partition,
  );

export interface RowBatch {
  readings: Reading[];
  events: SensorEvent[];
}
