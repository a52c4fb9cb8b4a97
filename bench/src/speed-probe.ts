// How fast the machine is right now: a fixed CPU-bound workload, timed. On a shared or virtual machine
// the same code runs slower at some moments than at others (other tenants of the host); probing before
// each phase shows when a phase ran on a slower machine than the limits it is compared with.

const ITERATIONS = 10_000_000;

/** Best time in ms of three runs of a fixed integer workload (about 30 ms each on a 2.6 GHz core). */
export function speedProbe(): number {
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    let x = 0x9e3779b9 + run;
    let acc = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      acc = (acc + (x & 0xffff)) % 1_000_003;
    }
    best = Math.min(best, performance.now() - start);
    sink += acc;
  }
  // the result is used, so the loop cannot be optimised away
  return sink === -1 ? Number.NaN : best;
}
