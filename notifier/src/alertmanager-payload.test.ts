import { alarm, cleared } from '../../test/alarms';
import { postableAlert } from './alertmanager-payload';

const options = {
  nowMs: Date.parse('2026-11-22T10:05:00Z'),
  activeForMs: 180_000,
  externalUrl: 'http://a.example:8081/',
};

describe('postableAlert', () => {
  const raised = alarm({ id: 'a-1', value: 99, peak: 107, events: 2, warnings: 7 });

  it('when the alarm is active, then it fires with the contract labels until a few re-sends ahead', () => {
    expect(postableAlert(raised, options)).toEqual({
      labels: {
        alertname: 'TEMPERATURE_EXCEEDED',
        sensorId: 's-42',
        rule: 'temperature',
        metric: 'temperature',
        severity: 'major',
      },
      annotations: {
        summary: 'TEMPERATURE_EXCEEDED on s-42: temperature 99 (peak 107)',
        description:
          'Rule temperature (major) raised at 2026-11-22T10:00:00.000Z; value 99; peak 107; 2 events, 7 warnings; ' +
          'last warning at 2026-11-22T10:00:00.000Z. Alarm a-1.',
        alarmId: 'a-1',
        acknowledged: 'false',
        value: '99',
        peak: '107',
        events: '2',
        warnings: '7',
        lastWarningAt: '2026-11-22T10:00:00.000Z',
      },
      startsAt: '2026-11-22T10:00:00.000Z',
      endsAt: '2026-11-22T10:08:00.000Z',
      generatorURL: 'http://a.example:8081/api/v1/alarms/a-1',
    });
  });

  it('when the alarm is cleared, then it ends at its clear (resolved)', () => {
    const alert = postableAlert(cleared(raised, Date.parse('2026-11-22T10:03:00Z')), options);
    expect(alert.endsAt).toBe('2026-11-22T10:03:00.000Z');
    expect(alert.annotations).toMatchObject({ clearedAt: '2026-11-22T10:03:00.000Z', clearedBy: 'rule' });
    expect(alert.annotations.description).toContain('Cleared by rule at 2026-11-22T10:03:00.000Z.');
  });

  it('when the alarm is acknowledged, then it stays firing and says who acknowledged it', () => {
    const acked = alarm({
      ...raised,
      transition: 'acknowledged',
      acknowledged: true,
      acknowledgedAt: Date.parse('2026-11-22T10:04:00Z'),
      acknowledgedBy: 'ops-alice',
      comment: 'on it',
    });
    const alert = postableAlert(acked, options);
    expect(alert.endsAt).toBe('2026-11-22T10:08:00.000Z');
    expect(alert.annotations).toMatchObject({
      acknowledged: 'true',
      acknowledgedBy: 'ops-alice',
      acknowledgedAt: '2026-11-22T10:04:00.000Z',
      comment: 'on it',
    });
  });

  it('when the alarm has no metric (a silence alarm), then the metric label and the values are left out', () => {
    const silent = alarm({ type: 'SENSOR_SILENT', rule: 'silent', metric: null, value: null, peak: null });
    const alert = postableAlert(silent, options);
    expect(alert.labels).toEqual({ alertname: 'SENSOR_SILENT', sensorId: 's-42', rule: 'silent', severity: 'major' });
    expect(alert.annotations.summary).toBe('SENSOR_SILENT on s-42:');
    expect(alert.annotations).not.toHaveProperty('value');
    expect(alert.annotations).not.toHaveProperty('peak');
  });

  it('when a clear time is before the raise (a bad upstream clock), then the alert still never ends before it starts', () => {
    const odd = cleared(raised, raised.raisedAt - 1000);
    const alert = postableAlert(odd, options);
    expect(Date.parse(alert.endsAt)).toBeGreaterThanOrEqual(Date.parse(alert.startsAt));
  });

  it('when the alarm id has characters a URL path cannot hold, then the link escapes them', () => {
    expect(postableAlert(alarm({ id: 'a/b?c' }), options).generatorURL).toBe(
      'http://a.example:8081/api/v1/alarms/a%2Fb%3Fc',
    );
  });
});
