import { alarm } from '../../test/alarms';
import { mergeAlarmTransitions } from './alarm-merge';

describe('mergeAlarmTransitions', () => {
  const raised = alarm({ id: 'b', version: 1 });
  const updated = { ...raised, transition: 'updated' as const, events: 2, version: 2 };
  const ack = (at: number, by: string, version = 1) => ({
    ...raised,
    transition: 'acknowledged' as const,
    acknowledged: true,
    acknowledgedAt: at,
    acknowledgedBy: by,
    comment: `seen by ${by}`,
    version,
  });

  it('when an alarm has several transitions, then its state is the highest version, whatever their order', () => {
    expect(mergeAlarmTransitions([updated, raised]).states).toEqual([updated]);
    expect(mergeAlarmTransitions([raised, updated, raised]).states).toEqual([updated]);
  });

  it('when it is acknowledged twice in a batch, then the first acknowledgement is kept', () => {
    const { acks } = mergeAlarmTransitions([raised, ack(5, 'ann'), updated, ack(9, 'bob', 2)]);
    expect(acks).toEqual([{ id: 'b', at: 5, by: 'ann', comment: 'seen by ann' }]);
  });

  it('when transitions that are not acks carry ack fields, then they acknowledge nothing', () => {
    expect(mergeAlarmTransitions([{ ...updated, acknowledgedAt: 3, acknowledgedBy: 'x' }]).acks).toEqual([]);
  });

  it('when several alarms are in a batch, then there is one state each', () => {
    const other = alarm({ id: 'a' });
    expect(
      mergeAlarmTransitions([raised, other, updated])
        .states.map((s) => s.id)
        .sort(),
    ).toEqual(['a', 'b']);
  });
});
