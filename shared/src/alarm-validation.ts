// What a valid alarm transition on Kafka is: the Avro frame, then what its consumers need of it (a
// sensor id, printable ids, representable times, finite numbers, text PostgreSQL can store). The saver
// and the notifier both decode with decodeAlarm, so a transition one of them stores the other can send,
// and one neither can use is dead-lettered by both instead of retried for ever. Pure.
import { type AlarmMessage, alarmCodec, PoisonMessageError } from './codec';
import { EARLIEST_MS, LATEST_MS } from './instants';
import { EVENT_TYPE, isSensorId } from './validation';

const ID = /^[\x21-\x7e]{1,400}$/;
const MAX_TEXT_CHARS = 1100; // a 1 KiB operator comment, and room

function check(ok: boolean, problem: string): void {
  if (!ok) throw new PoisonMessageError(problem);
}

const isInstant = (ms: unknown) => Number.isInteger(ms) && (ms as number) >= EARLIEST_MS && (ms as number) <= LATEST_MS;
const isText = (text: unknown) =>
  typeof text === 'string' && text.length >= 1 && text.length <= MAX_TEXT_CHARS && !text.includes('\u0000');
const isNullable = <T>(value: T | null, test: (v: T) => boolean) => value === null || test(value);
const isFiniteNumber = (n: number) => Number.isFinite(n);

/** Throws PoisonMessageError when the transition cannot be stored, turned into an alert or a webhook. */
export function checkAlarm(a: AlarmMessage): void {
  check(ID.test(a.id), 'id is not 1-400 printable ASCII characters');
  check(isSensorId(a.sensorId), 'sensorId is not a valid sensor id');
  check(isText(a.rule) && isText(a.severity), 'rule or severity is not 1-1100 characters without NUL');
  check(EVENT_TYPE.test(a.type), 'type is not a valid alarm type');
  check(isNullable(a.metric, isText), 'metric is not text or null');
  check(a.status === 'active' || a.status === 'cleared', 'status is neither active nor cleared');
  check(isInstant(a.raisedAt) && isInstant(a.at), 'raisedAt or at is not an instant from year 1 to 9999');
  for (const time of [a.lastWarningAt, a.clearedAt, a.acknowledgedAt])
    check(isNullable(time, isInstant), 'a time is not an instant from year 1 to 9999');
  check(isNullable(a.value, isFiniteNumber) && isNullable(a.peak, isFiniteNumber), 'value or peak is not finite');
  for (const text of [a.clearedBy, a.acknowledgedBy, a.comment])
    check(isNullable(text, isText), 'clearedBy, acknowledgedBy or comment is not 1-1100 characters without NUL');
  check(Number.isSafeInteger(a.version) && a.version >= 0, 'version is not an integer of 0 or more');
}

/** A Kafka value → a transition the consumers can use; PoisonMessageError (dead-letter it) otherwise. */
export function decodeAlarm(value: Buffer | null): AlarmMessage {
  const alarm = alarmCodec.decode(value);
  checkAlarm(alarm);
  return alarm;
}
