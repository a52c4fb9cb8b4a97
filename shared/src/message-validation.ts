// What a valid reading or event on Kafka is: the Avro frame, then the checks the receiver makes on a
// request (sensor id, metric name, a finite value within MAX_VALUE_MAGNITUDE, a representable time),
// and text PostgreSQL can store (no NUL). The processor and the saver decode with these functions, so a
// message one of them counts the other stores, and one they cannot use both dead-letter (a foreign
// producer's bytes, a bug upstream) instead of one retrying a write that can never succeed. Pure.
import { eventCodec, PoisonMessageError, type Reading, readingCodec, type SensorEvent } from './codec';
import { EARLIEST_MS, LATEST_MS } from './instants';
import { MAX_VALUE_MAGNITUDE, METRIC_NAME } from './rules';
import { EVENT_TYPE, isSensorId } from './validation';

/** Reading and event ids: UUIDv7s or `c/<sensor>/<client id>/<metric>` (receiver/src/reading-ids.ts), with room. */
const ID = /^[\x21-\x7e]{1,400}$/;
const MAX_TEXT_CHARS = 1000;

function check(ok: boolean, problem: string): void {
  if (!ok) throw new PoisonMessageError(problem);
}

const isInstant = (ms: number) => Number.isInteger(ms) && ms >= EARLIEST_MS && ms <= LATEST_MS;
const isText = (text: string) => text.length >= 1 && text.length <= MAX_TEXT_CHARS && !text.includes('\u0000');

function checkCommon(v: { id: string; sensorId: string; metric: string; value: number; at: number }): void {
  check(ID.test(v.id), 'id is not 1-400 printable ASCII characters');
  check(isSensorId(v.sensorId), 'sensorId is not a valid sensor id');
  check(METRIC_NAME.test(v.metric), 'metric is not a valid metric name');
  check(
    Number.isFinite(v.value) && Math.abs(v.value) <= MAX_VALUE_MAGNITUDE,
    `value is not a finite number within ±${MAX_VALUE_MAGNITUDE}`,
  );
  check(isInstant(v.at), 'at is not an instant from year 1 to 9999');
}

/** Throws PoisonMessageError when the reading is not one the receiver could have accepted. */
export function checkReading(r: Reading): void {
  checkCommon(r);
  check(isInstant(r.receivedAt), 'receivedAt is not an instant from year 1 to 9999');
}

/** Throws PoisonMessageError when the event is not one the processor could have raised. */
export function checkEvent(e: SensorEvent): void {
  checkCommon(e);
  check(EVENT_TYPE.test(e.type), 'type is not a valid event type');
  check(Number.isFinite(e.threshold), 'threshold is not finite');
  check(isText(e.rule), `rule is not 1-${MAX_TEXT_CHARS} characters without NUL`);
  check(Number.isInteger(e.warningsForEvent) && e.warningsForEvent >= 1, 'warningsForEvent is not a positive integer');
  check(ID.test(e.readingId), 'readingId is not 1-400 printable ASCII characters');
}

/** A Kafka value → a valid reading; PoisonMessageError (dead-letter it) otherwise. */
export function decodeReading(value: Buffer | null): Reading {
  const reading = readingCodec.decode(value);
  checkReading(reading);
  return reading;
}

/** A Kafka value → a valid event; PoisonMessageError (dead-letter it) otherwise. */
export function decodeEvent(value: Buffer | null): SensorEvent {
  const event = eventCodec.decode(value);
  checkEvent(event);
  return event;
}
