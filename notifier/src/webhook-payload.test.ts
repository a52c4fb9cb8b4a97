import { alarm, cleared } from '../../test/alarms';
import { groupKey, webhookMessage } from './webhook-payload';

const options = { receiver: 'webhook-0123456789', externalUrl: 'http://a.example:8081' };

describe('webhookMessage', () => {
  const raised = alarm({ id: 'a-1', sensorId: 's-42' });

  it("when an alarm is raised, then the body is Alertmanager's webhook format with one firing alert", () => {
    const body = webhookMessage(raised, options);
    const labels = {
      alertname: 'TEMPERATURE_EXCEEDED',
      sensorId: 's-42',
      rule: 'temperature',
      metric: 'temperature',
      severity: 'major',
    };
    expect(body).toEqual({
      version: '4',
      groupKey: '{}:{alertname="TEMPERATURE_EXCEEDED", rule="temperature", sensorId="s-42"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'webhook-0123456789',
      groupLabels: { alertname: 'TEMPERATURE_EXCEEDED', rule: 'temperature', sensorId: 's-42' },
      commonLabels: labels,
      commonAnnotations: body.alerts[0].annotations,
      externalURL: 'http://a.example:8081',
      alerts: [
        {
          status: 'firing',
          labels,
          annotations: expect.objectContaining({ alarmId: 'a-1', transition: 'raised', acknowledged: 'false' }),
          startsAt: '2026-11-22T10:00:00.000Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://a.example:8081/api/v1/alarms/a-1',
          fingerprint: 'a-1',
        },
      ],
    });
  });

  it('when an alarm is cleared, then the body and its alert are resolved, ending at the clear', () => {
    const body = webhookMessage(cleared(raised, Date.parse('2026-11-22T10:03:00Z')), options);
    expect(body.status).toBe('resolved');
    expect(body.alerts[0]).toMatchObject({
      status: 'resolved',
      endsAt: '2026-11-22T10:03:00.000Z',
      fingerprint: 'a-1',
      annotations: expect.objectContaining({ transition: 'cleared', clearedBy: 'rule' }),
    });
  });

  it('when an active alarm is acknowledged, then it is still firing and the transition says acknowledged', () => {
    const acked = {
      ...raised,
      transition: 'acknowledged' as const,
      acknowledged: true,
      acknowledgedAt: raised.at + 1,
      acknowledgedBy: 'ops',
    };
    const body = webhookMessage(acked, options);
    expect(body.status).toBe('firing');
    expect(body.alerts[0].annotations).toMatchObject({
      transition: 'acknowledged',
      acknowledged: 'true',
      acknowledgedBy: 'ops',
    });
  });

  it('groupKey quotes the values as Go does and sorts the names', () => {
    expect(groupKey({ sensorId: 'a"b', alertname: 'X' })).toBe('{}:{alertname="X", sensorId="a\\"b"}');
  });
});
