// The concurrent test's workload: per sensor, a seeded sequence of temperatures where runs of three
// or more warnings (>= 95) are common, and so are resets. Same seed, same sequences.
import { seededRandom } from './seeded-random';

export function temperatureSequences(seed: number, sensors: number, length: number): number[][] {
  const random = seededRandom(seed);
  return Array.from({ length: sensors }, () =>
    Array.from({ length }, () => {
      const warm = random() < 0.55;
      const r = random();
      // one decimal: 95.0-110.0 or 20.0-90.0
      return warm ? 95 + Math.round(r * 150) / 10 : 20 + Math.round(r * 700) / 10;
    }),
  );
}
