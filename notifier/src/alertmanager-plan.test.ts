import { alarm, cleared } from '../../test/alarms';
import { alertmanagerPosts, latestPerAlarm } from './alertmanager-plan';

const at = (offset: number, value: ReturnType<typeof alarm>) => ({ offset: String(offset), value });

describe('what Alertmanager is told of a batch', () => {
  it("when an alarm has several transitions in a batch, then only its newest version goes, at its last message's place", () => {
    const a = alarm({ id: 'a' });
    const b = alarm({ id: 'b', sensorId: 's-2' });
    const aUpdated = { ...a, transition: 'updated' as const, version: 2, events: 2 };
    const latest = latestPerAlarm([at(1, a), at(2, b), at(3, aUpdated)]);
    expect(latest.map((l) => [l.offset, l.value.id, l.value.version])).toEqual([
      ['2', 'b', 1],
      ['3', 'a', 2],
    ]);
  });

  it('when an older version comes after a newer one (a replay), then the newer one is kept', () => {
    const a = alarm({ id: 'a', version: 5 });
    const latest = latestPerAlarm([at(1, a), at(2, { ...a, version: 3, events: 9 })]);
    expect(latest).toEqual([{ offset: '2', value: a }]);
  });

  it("when a sensor's incident is cleared and the next one raised, then the clear goes first", () => {
    const first = alarm({ id: 'first' });
    const second = alarm({ id: 'second', raisedAt: first.raisedAt + 60_000 });
    const posts = alertmanagerPosts([at(1, first), at(2, cleared(first, first.raisedAt + 30_000)), at(3, second)], 10);
    expect(posts).toHaveLength(1);
    expect(posts[0].alarms.map((x) => [x.id, x.status])).toEqual([
      ['first', 'cleared'],
      ['second', 'active'],
    ]);
  });

  it('when a cleared alarm is acknowledged later, then Alertmanager is not told (it would replace the next incident)', () => {
    const first = alarm({ id: 'first' });
    const gone = cleared(first, first.raisedAt + 30_000);
    const second = alarm({ id: 'second', raisedAt: first.raisedAt + 60_000 });
    const ackOfGone = { ...gone, transition: 'acknowledged' as const, acknowledged: true, version: gone.version };
    const posts = alertmanagerPosts([at(1, gone), at(2, second), at(3, ackOfGone)], 10);
    expect(posts[0].alarms.map((x) => [x.id, x.transition])).toEqual([
      ['first', 'cleared'],
      ['second', 'raised'],
    ]);
    // the offset of the skipped acknowledgement is resolved with the batch's tail, not by a post
    expect(posts[0].offset).toBe('2');
  });

  it('when there are more alarms than fit a post, then they go in chunks, each resolving its last offset', () => {
    const alarms = Array.from({ length: 5 }, (_, i) => at(10 + i, alarm({ id: `a${i}`, sensorId: `s-${i}` })));
    expect(alertmanagerPosts(alarms, 2).map((p) => [p.offset, p.alarms.length])).toEqual([
      ['11', 2],
      ['13', 2],
      ['14', 1],
    ]);
  });
});
