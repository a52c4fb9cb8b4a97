// One sensor's readings of the level rule's metric, sent one by one with device times (`at`, epoch
// ms) a second apart from a minute ago, so the alarm's raisedAt, lastWarningAt and clearedAt are
// known in advance; the list of what was sent is the oracle's input.
import type { OracleReading } from './alarm-oracle';
import type { AlarmRun } from './alarm-run';
import { LEVEL_METRIC } from './tester-rules';

export interface LevelSeries {
  readonly readings: readonly OracleReading[];
  /** posts these values in order, each a second after the previous reading */
  post(values: readonly number[]): Promise<void>;
}

export function levelSeries(run: AlarmRun, sensorId: string, start = Date.now() - 60_000): LevelSeries {
  const readings: OracleReading[] = [];
  return {
    readings,
    async post(values) {
      for (const value of values) {
        // in the past (no receiver refuses it), a second after the previous one
        const at = start + readings.length * 1000;
        await run.post(sensorId, { [LEVEL_METRIC]: value, at });
        readings.push({ value, at });
      }
    },
  };
}
