// A row of the alarms table (migrations.ts) as pg returns it: the one row type of the services that
// read the table, the assessor's lists and the notifier's re-send. bigint columns come as text.
export interface AlarmsTableRow {
  id: string;
  sensor_id: string;
  rule: string;
  metric: string | null;
  type: string;
  severity: string;
  status: 'active' | 'cleared';
  raised_at: Date;
  value: number | null;
  peak: number | null;
  events: number;
  warnings: number;
  last_warning_at: Date | null;
  cleared_at: Date | null;
  cleared_by: string | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  comment: string | null;
  version: string;
}
