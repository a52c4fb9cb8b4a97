// The API's answers as the dashboard reads them (CONTRACT.md). Values from the server are still
// checked where they are used: a field of the wrong type shows as "—", never breaks a view.
import type { AlarmJson } from '../../shared/src/http/alarm-json';
import type { StatBucket } from './series';

export interface SensorSummary {
  sensorId: string;
  lastReadingAt: string;
  /** all the sensor's metrics; `metrics` holds the first ones by name */
  metricCount?: number;
  metrics: Record<string, { lastValue: number; lastAt: string; count: number }>;
}

export interface SensorsPage {
  sensors: SensorSummary[];
  nextCursor: string | null;
}

/** the contract's alarm (shared/src/http/alarm-json.ts) */
export type Alarm = AlarmJson;

export interface AlarmsPage {
  alarms: Alarm[];
  nextCursor?: string | null;
}

export interface EventItem {
  id?: string;
  sensorId?: string;
  metric: string;
  type: string;
  value: number;
  at: string;
  threshold?: number;
  rule?: string;
}

export interface EventsPage {
  events: EventItem[];
  nextCursor?: string | null;
}

export interface LogLine {
  id?: string;
  sensorId?: string;
  at: string;
  level: string;
  message: string;
  source?: string | null;
}

export interface LogsPage {
  logs: LogLine[];
  nextCursor?: string | null;
}

export interface Statistics {
  sensorId: string;
  metric: string;
  from: string;
  to: string;
  bucket: string;
  buckets: StatBucket[];
  total: { count: number; min: number | null; max: number | null; avg: number | null; sum: number };
}

export interface StreamReading {
  sensorId: string;
  metric: string;
  value: number;
  at: string;
}
