// The alarm tests' own oracle of a threshold rule's alarms (written from CONTRACT.md "Processor rules"
// and "Alarms", not from the processor's code): for one sensor's values of the rule's metric, in the
// order sent, every alarm the rule raises and its state after the last reading.
//  - warning (breaks the threshold): the run + 1; at exactly N the rule's event, which raises an alarm
//    when none is active (value = peak = that reading, events 1, warnings N) or is absorbed by the
//    active one (events + 1); while active every warning counts (warnings + 1, peak, lastWarningAt);
//    it ends a clearing streak;
//  - neutral (between clearThreshold and threshold, clearThreshold itself included): resets the run
//    and the clearing streak, clears nothing;
//  - clearing (on the normal side of clearThreshold): resets the run; while active, the clearing
//    streak + 1, and at clearAfter the alarm is cleared by the rule, at that reading's time.

export type Comparison = '>=' | '>' | '<=' | '<';

export interface OracleRule {
  comparison: Comparison;
  threshold: number;
  clearThreshold: number;
  warningsForEvent: number;
  clearAfter: number;
}

export interface OracleReading {
  value: number;
  /** the reading's time, epoch ms */
  at: number;
}

export interface OracleAlarm {
  status: 'active' | 'cleared';
  value: number;
  peak: number;
  events: number;
  warnings: number;
  raisedAt: number;
  lastWarningAt: number;
  clearedAt: number | null;
  /** index of the reading that raised it, and of the one that cleared it (null while active) */
  raisedBy: number;
  clearedBy: number | null;
}

export type ReadingKind = 'warning' | 'neutral' | 'clearing';

function breaks(comparison: Comparison, limit: number, value: number): boolean {
  switch (comparison) {
    case '>=':
      return value >= limit;
    case '>':
      return value > limit;
    case '<=':
      return value <= limit;
    case '<':
      return value < limit;
  }
}

export function readingKind(rule: OracleRule, value: number): ReadingKind {
  if (breaks(rule.comparison, rule.threshold, value)) return 'warning';
  return breaks(rule.comparison, rule.clearThreshold, value) ? 'neutral' : 'clearing';
}

/** Every alarm of the rule over these readings, oldest first, each as it stands after the last reading. */
export function expectedAlarms(rule: OracleRule, readings: readonly OracleReading[]): OracleAlarm[] {
  const alarms: OracleAlarm[] = [];
  let active: OracleAlarm | undefined;
  let run = 0;
  let clearing = 0;
  const worse = (a: number, b: number) => (rule.comparison.startsWith('>') ? Math.max(a, b) : Math.min(a, b));
  readings.forEach(({ value, at }, index) => {
    const kind = readingKind(rule, value);
    if (kind === 'warning') {
      run += 1;
      clearing = 0;
      const event = run === rule.warningsForEvent;
      if (active) {
        active.warnings += 1;
        active.peak = worse(active.peak, value);
        active.lastWarningAt = at;
        if (event) active.events += 1;
      } else if (event) {
        active = {
          status: 'active',
          value,
          peak: value,
          events: 1,
          warnings: run,
          raisedAt: at,
          lastWarningAt: at,
          clearedAt: null,
          raisedBy: index,
          clearedBy: null,
        };
        alarms.push(active);
      }
      return;
    }
    run = 0;
    if (kind === 'neutral' || !active) {
      clearing = 0;
      return;
    }
    clearing += 1;
    if (clearing < rule.clearAfter) return;
    active.status = 'cleared';
    active.clearedAt = at;
    active.clearedBy = index;
    active = undefined;
    clearing = 0;
  });
  return alarms;
}

/** What the alarms API must answer for an oracle alarm: the state fields, times as ISO-8601 UTC. */
export interface AlarmStateView {
  status: 'active' | 'cleared';
  value: number | null;
  peak: number | null;
  events: number;
  warnings: number;
  raisedAt: string;
  lastWarningAt: string | null;
  clearedAt: string | null;
}

export function alarmStateView(alarm: OracleAlarm): AlarmStateView {
  return {
    status: alarm.status,
    value: alarm.value,
    peak: alarm.peak,
    events: alarm.events,
    warnings: alarm.warnings,
    raisedAt: new Date(alarm.raisedAt).toISOString(),
    lastWarningAt: new Date(alarm.lastWarningAt).toISOString(),
    clearedAt: alarm.clearedAt === null ? null : new Date(alarm.clearedAt).toISOString(),
  };
}
