// The fault suite's verdict, pure: what the sensors sent and were told, what the readings topic holds
// (the processor's actual input, copies included, in Kafka order), and what PostgreSQL and Redis hold
// at the end → the figures, and the problems that fail the run.
//  - every accepted reading (some copy answered 200) is stored; none is stored twice;
//  - a reading never answered 200 may be stored only when some copy of it timed out or failed on the
//    client (the server may have completed it) or got the 503 that says some readings may have been
//    written; one only ever answered with errors that say nothing was written must not be;
//  - the readings stored are exactly the readings in the topic;
//  - the events stored are exactly those the rules imply for the topic's first copies (expected-events'
//    oracle), and every counter is what the oracle ends with;
//  - the alarms stored are exactly those the pure alarm state machine implies for the same first
//    copies, each with the oracle's final status, value, peak, events and warnings.
import type { AlarmRule } from '../../shared/src/rule-set';
import {
  type ExpectedAlarm,
  expectationsFromTopic,
  expectedAlarms,
  type TopicReading,
} from '../../tester/src/expected-events';
import type { SentReading } from './load';

export interface VerdictInput {
  sent: readonly SentReading[];
  /** the readings topic's messages of the run's sensors, each partition in offset order */
  topic: readonly TopicReading[];
  /** stored rows per reading id (more than 1: doubled) */
  storedReadings: ReadonlyMap<string, number>;
  /** stored rows per event id */
  storedEvents: ReadonlyMap<string, number>;
  /** the Redis counter of each (sensor, temperature) series, by sensor id (missing: 0) */
  counters: ReadonlyMap<string, number>;
  rules: readonly AlarmRule[];
  /** the alarms table's rows of the run's sensors, by id (undefined: not checked) */
  storedAlarms?: ReadonlyMap<string, Omit<ExpectedAlarm, 'id'>>;
}

export interface Figures {
  sent: number;
  accepted: number;
  /** never answered 200, some copy timed out, failed on the client or got "may have been written" */
  unanswered: number;
  /** never answered 200, every copy answered with an error */
  refused: number;
  stored: number;
  missing: number;
  duplicated: number;
  /** stored, never answered 200, some copy timed out or failed: allowed */
  storedUnanswered: number;
  /** stored though every copy was answered "nothing was written": a broken promise */
  storedRefused: number;
  /** stored readings of the run's sensors that no sensor sent */
  storedNotSent: number;
  topicCopies: number;
  topicReadings: number;
  /** reading ids with more than one copy in the topic */
  topicRepeated: number;
  topicNotStored: number;
  storedNotInTopic: number;
  eventsExpected: number;
  eventsStored: number;
  eventsMissing: number;
  eventsUnexpected: number;
  eventsDuplicated: number;
  alarmsExpected: number;
  alarmsStored: number;
  alarmsMissing: number;
  alarmsUnexpected: number;
  /** stored with another status, value, peak, events or warnings than the oracle's */
  alarmsWrong: number;
  countersWrong: number;
}

export interface Verdict {
  figures: Figures;
  /** a few examples of each problem, for the report */
  details: Record<string, string[]>;
}

const EXAMPLES = 20;

export function verdict(input: VerdictInput): Verdict {
  const outcome = new Map(input.sent.map((r) => [r.id, r.outcome]));
  const ids = (o: SentReading['outcome']) => input.sent.filter((r) => r.outcome === o).map((r) => r.id);
  const accepted = ids('accepted');
  const storedIds = [...input.storedReadings.keys()];
  const topicIds = new Set(input.topic.map((r) => r.id));
  const copies = new Map<string, number>();
  for (const r of input.topic) copies.set(r.id, (copies.get(r.id) ?? 0) + 1);

  const expectations = [...expectationsFromTopic(input.topic, input.rules).values()].filter(
    (e) => e.metric === 'temperature',
  );
  const expectedEventIds = new Set(expectations.flatMap((e) => e.eventIds));
  const storedEventIds = [...input.storedEvents.keys()];
  const sensors = new Set([...input.sent.map((r) => r.sensorId), ...expectations.map((e) => e.sensorId)]);
  const finalCount = new Map(expectations.map((e) => [e.sensorId, e.finalCount]));
  const countersWrong = [...sensors]
    .filter((s) => (input.counters.get(s) ?? 0) !== (finalCount.get(s) ?? 0))
    .map((s) => `${s}: counter ${input.counters.get(s) ?? 0}, expected ${finalCount.get(s) ?? 0}`);

  const alarmsWanted = expectedAlarms(input.topic, input.rules);
  const alarmsStored = input.storedAlarms ?? new Map();
  const checkAlarms = input.storedAlarms !== undefined;
  const fields = ['sensorId', 'rule', 'status', 'value', 'peak', 'events', 'warnings'] as const;
  const alarmsWrong = [...alarmsWanted.values()].flatMap((want) => {
    const got = alarmsStored.get(want.id);
    const off = got ? fields.filter((f) => got[f] !== want[f]) : [];
    return off.length ? [`${want.id}: ${off.map((f) => `${f} ${got![f]}, expected ${want[f]}`).join('; ')}`] : [];
  });

  const details = {
    missing: accepted.filter((id) => !input.storedReadings.has(id)),
    duplicated: storedIds.filter((id) => (input.storedReadings.get(id) ?? 0) > 1),
    storedRefused: storedIds.filter((id) => outcome.get(id) === 'refused'),
    storedNotSent: storedIds.filter((id) => !outcome.has(id)),
    topicNotStored: [...topicIds].filter((id) => !input.storedReadings.has(id)),
    storedNotInTopic: storedIds.filter((id) => !topicIds.has(id)),
    eventsMissing: [...expectedEventIds].filter((id) => !input.storedEvents.has(id)),
    eventsUnexpected: storedEventIds.filter((id) => !expectedEventIds.has(id)),
    eventsDuplicated: storedEventIds.filter((id) => (input.storedEvents.get(id) ?? 0) > 1),
    countersWrong,
    alarmsMissing: checkAlarms ? [...alarmsWanted.keys()].filter((id) => !alarmsStored.has(id)) : [],
    alarmsUnexpected: [...alarmsStored.keys()].filter((id) => !alarmsWanted.has(id)),
    alarmsWrong: checkAlarms ? alarmsWrong : [],
  };
  const figures: Figures = {
    sent: input.sent.length,
    accepted: accepted.length,
    unanswered: ids('unanswered').length,
    refused: ids('refused').length,
    stored: storedIds.length,
    missing: details.missing.length,
    duplicated: details.duplicated.length,
    storedUnanswered: storedIds.filter((id) => outcome.get(id) === 'unanswered').length,
    storedRefused: details.storedRefused.length,
    storedNotSent: details.storedNotSent.length,
    topicCopies: input.topic.length,
    topicReadings: topicIds.size,
    topicRepeated: [...copies.values()].filter((n) => n > 1).length,
    topicNotStored: details.topicNotStored.length,
    storedNotInTopic: details.storedNotInTopic.length,
    eventsExpected: expectedEventIds.size,
    eventsStored: storedEventIds.length,
    eventsMissing: details.eventsMissing.length,
    eventsUnexpected: details.eventsUnexpected.length,
    eventsDuplicated: details.eventsDuplicated.length,
    countersWrong: countersWrong.length,
    alarmsExpected: alarmsWanted.size,
    alarmsStored: alarmsStored.size,
    alarmsMissing: details.alarmsMissing.length,
    alarmsUnexpected: details.alarmsUnexpected.length,
    alarmsWrong: details.alarmsWrong.length,
  };
  return {
    figures,
    details: Object.fromEntries(
      Object.entries(details)
        .filter(([, list]) => list.length > 0)
        .map(([k, list]) => [k, list.slice(0, EXAMPLES)]),
    ),
  };
}

/** What fails the run: every problem figure that is not 0 (an empty list: the run passes). */
export function problems(figures: Figures): string[] {
  const mustBeZero: Array<keyof Figures> = [
    'missing',
    'duplicated',
    'storedRefused',
    'storedNotSent',
    'topicNotStored',
    'storedNotInTopic',
    'eventsMissing',
    'eventsUnexpected',
    'eventsDuplicated',
    'countersWrong',
    'alarmsMissing',
    'alarmsUnexpected',
    'alarmsWrong',
  ];
  const found = mustBeZero.filter((k) => figures[k] !== 0).map((k) => `${k} ${figures[k]}`);
  if (figures.eventsStored !== figures.eventsExpected)
    found.push(`events stored ${figures.eventsStored} != expected ${figures.eventsExpected}`);
  return found;
}
