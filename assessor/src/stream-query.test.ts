import { AppError } from '../../shared/src';
import { MAX_STREAM_SENSORS, parseStreamQuery } from './stream-query';

function fieldsOf(query: Record<string, unknown>): string[] {
  try {
    parseStreamQuery(query);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
    return (err as AppError).details.map((d) => d.field);
  }
  throw new Error('expected a 400');
}

describe('parseStreamQuery', () => {
  it('when no sensor is given, then none is selected', () => {
    expect(parseStreamQuery({})).toEqual({ sensorIds: [] });
  });

  it('when sensorId repeats, then each is selected once, in order', () => {
    expect(parseStreamQuery({ sensorId: ['b', 'a', 'b'] })).toEqual({ sensorIds: ['b', 'a'] });
    expect(parseStreamQuery({ sensorId: 's-1' })).toEqual({ sensorIds: ['s-1'] });
  });

  it('when 50 sensors are given, then all are selected; 51 is a 400 naming sensorId', () => {
    const ids = Array.from({ length: MAX_STREAM_SENSORS + 1 }, (_, i) => `s-${i}`);
    expect(parseStreamQuery({ sensorId: ids.slice(0, 50) }).sensorIds).toHaveLength(50);
    expect(fieldsOf({ sensorId: ids })).toEqual(['sensorId']);
  });

  it('when a sensor id is not one, then the 400 names sensorId', () => {
    expect(fieldsOf({ sensorId: ['ok', 'has space'] })).toEqual(['sensorId']);
    expect(fieldsOf({ sensorId: 'x'.repeat(129) })).toEqual(['sensorId']);
    expect(fieldsOf({ sensorId: '' })).toEqual(['sensorId']);
  });

  it('when a parameter is unknown, then the 400 names it', () => {
    expect(fieldsOf({ sensor: 'a', sensorId: 'b' })).toEqual(['sensor']);
  });
});
