import { alarm, cleared } from '../../test/alarms';
import { createLatestAlarms } from './latest-alarms';

describe('what was last posted to Alertmanager', () => {
  const raised = alarm({ id: 'a', version: 1 });
  const gone = cleared(raised, raised.raisedAt + 10_000);

  it("when the alarm's clear was posted, then a row that still says active is not re-sent", () => {
    const latest = createLatestAlarms(60_000);
    latest.remember(gone, 0, 1000);
    expect(latest.freshest({ ...raised })).toEqual(gone);
    expect(latest.freshest({ ...raised })?.status).toBe('cleared');
  });

  it('when a newer version was posted, then an older one is stale and the newer one is what is re-sent', () => {
    const latest = createLatestAlarms(60_000);
    const updated = { ...raised, transition: 'updated' as const, version: 3, events: 3 };
    latest.remember(updated, 0, 1000);
    expect(latest.isStale(raised)).toBe(true);
    expect(latest.isStale(updated)).toBe(false);
    expect(latest.freshest(raised)).toEqual(updated);
    // a row newer than what we posted wins
    const row = { ...raised, version: 4, events: 4 };
    expect(latest.freshest(row)).toEqual(row);
  });

  it("when the sensor's next incident of the rule was posted, then the older incident is stale and its row skipped", () => {
    const latest = createLatestAlarms(60_000);
    const next = alarm({ id: 'b', raisedAt: raised.raisedAt + 60_000 });
    latest.remember(next, 0, 1000);
    expect(latest.isStale(gone)).toBe(true);
    expect(latest.freshest(raised)).toBeUndefined();
    // remembering the older incident afterwards does not replace the newer one
    latest.remember(gone, 0, 2000);
    expect(latest.isStale(next)).toBe(false);
  });

  it('when the row knows of an acknowledgement the posted state does not, then the re-send has it', () => {
    const latest = createLatestAlarms(60_000);
    latest.remember(raised, 0, 1000);
    const ackedRow = { ...raised, acknowledged: true, acknowledgedAt: raised.at + 5, acknowledgedBy: 'ops' };
    expect(latest.freshest(ackedRow)).toMatchObject({ acknowledged: true, acknowledgedBy: 'ops', version: 1 });
  });

  it('lists the alarms last posted as active, with their partitions', () => {
    const latest = createLatestAlarms(60_000);
    const other = alarm({ id: 'c', sensorId: 's-9' });
    latest.remember(raised, 0, 0);
    latest.remember(other, 2, 0);
    latest.remember(gone, 0, 1);
    expect(latest.active()).toEqual([{ alarm: other, partition: 2 }]);
  });

  it('forgets cleared alarms after the retention and everything of partitions it no longer owns', () => {
    const latest = createLatestAlarms(60_000);
    latest.remember(gone, 0, 0);
    latest.remember(alarm({ id: 'c', sensorId: 's-9' }), 1, 0);
    latest.remember(alarm({ id: 'd', sensorId: 's-8' }), 2, 0);
    latest.prune(30_000);
    expect(latest.size).toBe(3);
    latest.prune(61_000);
    expect(latest.size).toBe(2); // the active ones stay while active
    latest.prune(61_000, new Set([2]));
    expect(latest.size).toBe(1);
  });
});
