// An alarm as the public API answers it (CONTRACT.md "Alarms"), in the contract's field order: the one
// type of the assessor that writes it, and of the dashboard and the tester that read it. Types only,
// no imports: the dashboard's browser bundle takes it too.
export interface AlarmJson {
  id: string;
  sensorId: string;
  rule: string;
  metric: string | null;
  type: string;
  severity: string;
  status: 'active' | 'cleared';
  acknowledged: boolean;
  raisedAt: string;
  value: number | null;
  peak: number | null;
  events: number;
  warnings: number;
  lastWarningAt: string | null;
  clearedAt: string | null;
  clearedBy: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  comment: string | null;
}
