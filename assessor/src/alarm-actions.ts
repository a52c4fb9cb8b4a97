// An operator's ack and clear (CONTRACT.md "Alarms"), as the alarms API runs them.
//  - ack: the row is acknowledged (the first ack wins: a second keeps the first one's time and name)
//    and an 'acknowledged' transition goes to the alarms topic, so the notifier and other consumers
//    learn it; the transition is published before the row changes, so a failed ack changes nothing.
//  - clear: the alarm's state is the processor's, and a clear must take effect in order with the
//    sensor's readings: a clear_alarm command goes to the READINGS topic, keyed by the sensor, so it
//    sits between the readings before and after it. The processor clears the alarm there (its
//    cleared transition names the operator); the saver stores that. The answer waits for it, boundedly.
import { randomUUID } from 'node:crypto';
import { alarmCodec, commandCodec, type SensorCommand } from '../../shared/src';
import type { AlarmRow } from './alarm-shapes';
import { acknowledgedMessage } from './alarm-shapes';
import type { AlarmStore } from './alarm-store';
import type { Publisher } from './publisher';

export interface AlarmActionsDeps {
  store: AlarmStore;
  publisher: Publisher;
  topics: { readings: string; alarms: string };
  /** how long a clear waits to see the alarm cleared before answering 202 */
  clearWaitMs: number;
  now: () => number;
}

export type ClearOutcome = { status: 'cleared' | 'pending'; alarm: AlarmRow } | undefined;

export interface Actor {
  /** the operator token's name */
  by: string;
  comment: string | null;
}

/** Polls that start quick (a clear is usually applied within tens of ms) and back off to 200 ms. */
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 200;

export function createAlarmActions(deps: AlarmActionsDeps) {
  const { store, publisher, topics } = deps;

  return {
    /** The alarm acknowledged (by this call or an earlier one); undefined for an unknown id. */
    acknowledge(id: string, actor: Actor): Promise<AlarmRow | undefined> {
      const at = deps.now();
      return store.acknowledge(id, { at, by: actor.by, comment: actor.comment }, (after) =>
        publisher.publish(topics.alarms, after.sensorId, alarmCodec.encode(acknowledgedMessage(after, at))),
      );
    },

    /**
     * 'cleared': the alarm is cleared (already, or by this command within clearWaitMs); 'pending':
     * the command is in Kafka but the cleared alarm was not stored yet: it takes effect when the
     * processor reaches it. Undefined for an unknown id.
     */
    async clear(id: string, actor: Actor): Promise<ClearOutcome> {
      const alarm = await store.get(id);
      if (!alarm) return undefined;
      if (alarm.status === 'cleared') return { status: 'cleared', alarm };
      const command: SensorCommand = {
        id: randomUUID(),
        kind: 'clear_alarm',
        sensorId: alarm.sensorId,
        rule: alarm.rule,
        alarmId: alarm.id,
        by: actor.by,
        comment: actor.comment,
        at: deps.now(),
      };
      await publisher.publish(topics.readings, alarm.sensorId, commandCodec.encode(command));
      const deadline = Date.now() + deps.clearWaitMs;
      let latest = alarm;
      for (let wait = FIRST_POLL_MS; ; wait = Math.min(wait * 2, MAX_POLL_MS)) {
        const left = deadline - Date.now();
        if (left <= 0) return { status: 'pending', alarm: latest };
        await new Promise((resolve) => setTimeout(resolve, Math.min(wait, left)));
        latest = (await store.get(id)) ?? latest;
        if (latest.status === 'cleared') return { status: 'cleared', alarm: latest };
      }
    },
  };
}

export type AlarmActions = ReturnType<typeof createAlarmActions>;
