import { formatRoute, parseRoute, withParams } from './route';

describe('routes in the hash', () => {
  it('when a sensor id has characters of its own set, then it survives a round trip', () => {
    for (const sensorId of ['s-42', 'urn:dev:9.1_a', 'A'.repeat(128)]) {
      const hash = formatRoute({ page: 'sensor', sensorId, params: { metric: 'temperature', range: '24h' } });
      expect(parseRoute(hash)).toEqual({ page: 'sensor', sensorId, params: { metric: 'temperature', range: '24h' } });
    }
  });

  it('when a link carries markup or slashes, then it stays a plain string (never interpreted)', () => {
    const sensorId = '<img src=x onerror=alert(1)>/../#?&';
    const route = parseRoute(formatRoute({ page: 'sensor', sensorId, params: {} }));
    expect(route.sensorId).toBe(sensorId);
  });

  it('when parameters are empty, then they are left out, and keys are sorted (one URL per state)', () => {
    expect(formatRoute({ page: 'alarms', params: { status: 'active', rule: '', severity: 'major' } })).toBe(
      '#/alarms?severity=major&status=active',
    );
    expect(parseRoute('#/alarms?status=&severity=major').params).toEqual({ severity: 'major' });
  });

  it('when the hash is empty, unknown or broken, then it is the sensors page', () => {
    expect(parseRoute('')).toEqual({ page: 'sensors', params: {} });
    expect(parseRoute('#/nope?x=1')).toEqual({ page: 'sensors', params: {} });
    expect(parseRoute('#/sensor/%E0%A4%A')).toEqual({ page: 'sensors', params: {} });
    expect(parseRoute('#/sensor')).toEqual({ page: 'sensors', params: {} });
  });

  it('withParams changes some parameters and removes emptied ones', () => {
    const route = parseRoute('#/events?sensorId=s-1&type=T');
    expect(withParams(route, { type: undefined, cursor: 'abc' }).params).toEqual({ sensorId: 's-1', cursor: 'abc' });
  });
});
