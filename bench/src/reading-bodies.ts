// Request bodies of the simulator. Pure (given a seeded random source).
// Sensors are used round robin, so each sensor's readings go out in order. Temperatures are at or
// above the default rule's threshold (95) for the share `overThreshold` of readings, so the processor
// raises events (three in a row); other metrics get plain values.

export const WARNING_THRESHOLD = 95;

export type RequestMode = 'single' | 'batch';

export interface BodyPlan {
  sensors: number;
  /** sensor ids are `${sensorPrefix}${n}` */
  sensorPrefix: string;
  metrics: readonly string[];
  /** share (0..1) of temperature readings >= WARNING_THRESHOLD */
  overThreshold: number;
  mode: RequestMode;
  /** batch mode: sensor bodies (items) per request; each item carries every metric */
  batchSize: number;
  /** give each body an `id` (the sensor's sequence number) so the reading ids are known: c/<sensor>/<id>/<metric> */
  clientIds: boolean;
}

/** One reading of a request, as the receiver will store it. */
export interface SimulatedReading {
  sensorId: string;
  metric: string;
  value: number;
  clientId?: string;
}

export interface SimulatedRequest {
  path: string;
  body: string;
  readings: SimulatedReading[];
}

export function readingsPerRequest(plan: Pick<BodyPlan, 'mode' | 'batchSize' | 'metrics'>): number {
  return (plan.mode === 'batch' ? plan.batchSize : 1) * plan.metrics.length;
}

/** The id the receiver derives from a client id (receiver/src/reading-ids.ts, README "Client ids"). */
export function clientReadingId(r: Pick<SimulatedReading, 'sensorId' | 'metric' | 'clientId'>): string {
  return `c/${r.sensorId}/${r.clientId}/${r.metric}`;
}

const tenths = (x: number) => Math.round(x * 10) / 10;

export function metricValue(metric: string, overThreshold: number, random: () => number): number {
  if (metric === 'temperature') {
    return random() < overThreshold
      ? tenths(WARNING_THRESHOLD + random() * 10) // 95.0 .. 105.0: a warning
      : tenths(15 + random() * 20); // 15.0 .. 35.0
  }
  return tenths(30 + random() * 40);
}

export function createBodyGenerator(plan: BodyPlan, random: () => number): { next(): SimulatedRequest } {
  if (!(plan.sensors >= 1)) throw new Error('sensors must be at least 1');
  if (plan.metrics.length === 0) throw new Error('at least one metric');
  let item = 0;

  const nextItem = (): { sensorId: string; fields: Record<string, number | string>; readings: SimulatedReading[] } => {
    const n = item % plan.sensors;
    const seq = Math.floor(item / plan.sensors);
    item += 1;
    const sensorId = `${plan.sensorPrefix}${n}`;
    const clientId = plan.clientIds ? String(seq) : undefined;
    const fields: Record<string, number | string> = {};
    const readings: SimulatedReading[] = [];
    if (clientId !== undefined) fields.id = clientId;
    for (const metric of plan.metrics) {
      const value = metricValue(metric, plan.overThreshold, random);
      fields[metric] = value;
      readings.push(clientId === undefined ? { sensorId, metric, value } : { sensorId, metric, value, clientId });
    }
    return { sensorId, fields, readings };
  };

  return {
    next() {
      if (plan.mode === 'single') {
        const { sensorId, fields, readings } = nextItem();
        return {
          path: `/api/v1/sensors/${encodeURIComponent(sensorId)}/measurements`,
          body: JSON.stringify(fields),
          readings,
        };
      }
      const items: Array<Record<string, number | string>> = [];
      const readings: SimulatedReading[] = [];
      for (let i = 0; i < plan.batchSize; i++) {
        const next = nextItem();
        items.push({ sensorId: next.sensorId, ...next.fields });
        readings.push(...next.readings);
      }
      return { path: '/api/v1/measurements', body: JSON.stringify(items), readings };
    },
  };
}
