import { parseRuleSet } from '../../shared/src/rule-set';
import { expectedAlarms, type TopicReading } from '../../tester/src/expected-events';
import type { SentReading } from './load';
import { problems, verdict, type VerdictInput } from './verdict';

const rules = parseRuleSet([{ metric: 'temperature', comparison: '>=', threshold: 95, warningsForEvent: 3 }]);
const id = (seq: number) => `c/s/seq-${seq}/temperature`;
/** the id of the event a reading raises by the rule `temperature` */
const eventId = (seq: number) => `${id(seq)}:temperature`;
const sent = (seq: number, value: number, outcome: SentReading['outcome'] = 'accepted'): SentReading => ({
  sensorId: 's',
  seq,
  value,
  id: id(seq),
  outcome,
});
const copy = (r: SentReading): TopicReading => ({
  id: r.id,
  sensorId: r.sensorId,
  metric: 'temperature',
  value: r.value,
});
const rows = (ids: string[]) => new Map(ids.map((i) => [i, 1]));

// issue 8, defect 1: the batch [1, 2] twice, then 3, all warnings
const readings = [sent(1, 99), sent(2, 99), sent(3, 99)];
const clean: VerdictInput = {
  sent: readings,
  topic: [readings[0], readings[1], readings[0], readings[1], readings[2]].map(copy),
  storedReadings: rows(readings.map((r) => r.id)),
  storedEvents: rows([eventId(3)]),
  counters: new Map([['s', 3]]),
  rules,
};

describe('fault verdict', () => {
  it('when the pipeline applied each client id once, then nothing is wrong', () => {
    const { figures } = verdict(clean);
    expect(figures).toMatchObject({ accepted: 3, stored: 3, topicCopies: 5, topicRepeated: 2, eventsExpected: 1 });
    expect(problems(figures)).toEqual([]);
  });

  it('when the replayed batch was counted again (counter 5, event on reading 1), then the run fails on both', () => {
    const { figures, details } = verdict({ ...clean, storedEvents: rows([eventId(1)]), counters: new Map([['s', 5]]) });
    expect(problems(figures)).toEqual(['eventsMissing 1', 'eventsUnexpected 1', 'countersWrong 1']);
    expect(details.countersWrong).toEqual(['s: counter 5, expected 3']);
  });

  it('when the alarms stored are those the state machine implies, then nothing is wrong; a doubled count or a missing clear fails', () => {
    // 99, 99, 99 raise one alarm (value 99, 3 warnings), still active
    const [alarm] = expectedAlarms(clean.topic, rules).values();
    const row = {
      sensorId: 's',
      rule: 'temperature',
      status: 'active' as const,
      value: 99,
      peak: 99,
      events: 1,
      warnings: 3,
    };
    const ok = verdict({ ...clean, storedAlarms: new Map([[alarm.id, row]]) });
    expect(ok.figures).toMatchObject({ alarmsExpected: 1, alarmsStored: 1 });
    expect(problems(ok.figures)).toEqual([]);
    const doubled = verdict({ ...clean, storedAlarms: new Map([[alarm.id, { ...row, warnings: 5 }]]) });
    expect(problems(doubled.figures)).toEqual(['alarmsWrong 1']);
    expect(doubled.details.alarmsWrong).toEqual([`${alarm.id}: warnings 5, expected 3`]);
    expect(problems(verdict({ ...clean, storedAlarms: new Map() }).figures)).toEqual(['alarmsMissing 1']);
  });

  it('when an accepted reading is not stored, then it is missing, and the topic disagrees with the table', () => {
    const { figures } = verdict({ ...clean, storedReadings: rows([id(1), id(3)]) });
    expect(figures).toMatchObject({ missing: 1, topicNotStored: 1 });
  });

  it('when a reading whose request timed out is stored, then it is counted apart and allowed', () => {
    const late = sent(4, 10, 'unanswered');
    const { figures } = verdict({
      ...clean,
      sent: [...readings, late],
      topic: [...clean.topic, copy(late)],
      storedReadings: rows([...readings, late].map((r) => r.id)),
      counters: new Map([['s', 0]]),
    });
    expect(figures).toMatchObject({ unanswered: 1, storedUnanswered: 1 });
    expect(problems(figures)).toEqual([]);
  });

  it('when a reading only ever answered with errors is stored, then the run fails', () => {
    const refused = sent(4, 10, 'refused');
    const { figures } = verdict({
      ...clean,
      sent: [...readings, refused],
      topic: [...clean.topic, copy(refused)],
      storedReadings: rows([...readings, refused].map((r) => r.id)),
      counters: new Map([['s', 0]]),
    });
    expect(problems(figures)).toEqual(['storedRefused 1']);
  });

  it('when a reading is stored twice, then it is duplicated', () => {
    const { figures } = verdict({ ...clean, storedReadings: new Map([...clean.storedReadings, [id(2), 2]]) });
    expect(problems(figures)).toEqual(['duplicated 1']);
  });
});
