// The alarm transitions the notifier reads from the alarms topic: decoded and checked by the shared
// decodeAlarm (shared/src/alarm-validation.ts: what the payloads need, the same checks as the saver's),
// so a value no target could be sent is dead-lettered instead of retried for ever.
import type { AlarmMessage } from '../../shared/src';

export { checkAlarm, decodeAlarm } from '../../shared/src/alarm-validation';

/** An alarm as it is (the transition's payload, or a row of the alarms table), without the transition itself. */
export type AlarmState = Omit<AlarmMessage, 'transition' | 'at'>;
