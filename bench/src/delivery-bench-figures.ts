// The delivery bench's arithmetic (delivery-bench.ts): its plan, the order of its rounds, medians and
// ratios of the rounds, and the dedup set's memory converted to bytes an entry and MB a window. Pure.

/** The three set-ups compared: a single broker without client ids, with them, and the 3-broker cluster with them. */
export type Setup = 'single' | 'singleIds' | 'cluster';

export const SETUPS: readonly Setup[] = ['single', 'singleIds', 'cluster'];

export const SETUP_LABELS: Readonly<Record<Setup, string>> = {
  single: '(a) single broker, no client ids',
  singleIds: '(b) single broker, client ids',
  cluster: '(c) 3 brokers (RF 3, min.insync 2), client ids',
};

/** End to end with client ids at least this share of without (issue 8). */
export const CLIENT_ID_TARGET_SHARE = 0.8;

/** The README's dedup memory: about 65 MB per 1,000 sensors at one client-id reading a second (62 to 69 MB measured). */
export const README_DEDUP_MB_PER_1000 = 65;
export const README_DEDUP_MB_PER_1000_HIGH = 69;

export interface DeliveryPlan {
  quick: boolean;
  /** rounds of each set-up */
  rounds: number;
  /** full-speed load of each round */
  fullSpeedS: number;
  /** the paced run whose dedup sets are measured: rate (readings/s) and duration */
  memoryRate: number;
  memoryS: number;
}

export function deliveryPlan(quick: boolean, pacedRate: number): DeliveryPlan {
  return quick
    ? { quick, rounds: 2, fullSpeedS: 6, memoryRate: pacedRate, memoryS: 8 }
    : { quick, rounds: 3, fullSpeedS: 15, memoryRate: pacedRate, memoryS: 30 };
}

/** The set-ups in the order they run: round r starts r places further along, so none always runs first or last. */
export function roundOrder(rounds: number): Array<{ round: number; setup: Setup }> {
  const order: Array<{ round: number; setup: Setup }> = [];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < SETUPS.length; i++) order.push({ round, setup: SETUPS[(round + i) % SETUPS.length] });
  }
  return order;
}

/** The median; the mean of the two middle values of an even count; NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** numerator / denominator, NaN when the denominator is not positive. */
export function ratio(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : Number.NaN;
}

export interface RoundFigure {
  round: number;
  setup: Setup;
  /** readings the receiver answered 200 per second of the load */
  acceptedPerSecond: number;
  /** slope of the rows stored over the load's last 80%: what the pipeline stores per second at full speed */
  storedPerSecond: number;
  /** accepted readings over (load + drain) seconds: everything accepted, stored */
  throughputWithDrain: number;
  drainS: number;
  lost: number;
}

export interface SetupSummary {
  setup: Setup;
  rounds: number;
  storedPerSecond: { median: number; min: number; max: number };
  acceptedPerSecond: number;
  throughputWithDrain: number;
  lost: number;
}

export interface DeliverySummary {
  bySetup: Record<Setup, SetupSummary>;
  /** median stored/s of (b) over (a), and of (c) over (b) */
  clientIdShare: number;
  clusterShare: number;
  /** the same over each round's own pair (rounds alternate, so a pair ran minutes apart at most) */
  clientIdShareByRound: number[];
  clusterShareByRound: number[];
  /** the same ratios of the throughput including the drain */
  clientIdShareWithDrain: number;
  clusterShareWithDrain: number;
}

export function summarizeRounds(rounds: readonly RoundFigure[]): DeliverySummary {
  const of = (setup: Setup) => rounds.filter((r) => r.setup === setup);
  const summary = (setup: Setup): SetupSummary => {
    const rs = of(setup);
    const stored = rs.map((r) => r.storedPerSecond);
    return {
      setup,
      rounds: rs.length,
      storedPerSecond: {
        median: median(stored),
        min: stored.length ? Math.min(...stored) : Number.NaN,
        max: stored.length ? Math.max(...stored) : Number.NaN,
      },
      acceptedPerSecond: median(rs.map((r) => r.acceptedPerSecond)),
      throughputWithDrain: median(rs.map((r) => r.throughputWithDrain)),
      lost: rs.reduce((sum, r) => sum + r.lost, 0),
    };
  };
  const bySetup = { single: summary('single'), singleIds: summary('singleIds'), cluster: summary('cluster') };
  const byRound = (numerator: Setup, denominator: Setup): number[] => {
    const shares: number[] = [];
    for (const n of of(numerator)) {
      const d = rounds.find((r) => r.setup === denominator && r.round === n.round);
      if (d) shares.push(ratio(n.storedPerSecond, d.storedPerSecond));
    }
    return shares;
  };
  return {
    bySetup,
    clientIdShare: ratio(bySetup.singleIds.storedPerSecond.median, bySetup.single.storedPerSecond.median),
    clusterShare: ratio(bySetup.cluster.storedPerSecond.median, bySetup.singleIds.storedPerSecond.median),
    clientIdShareByRound: byRound('singleIds', 'single'),
    clusterShareByRound: byRound('cluster', 'singleIds'),
    clientIdShareWithDrain: ratio(bySetup.singleIds.throughputWithDrain, bySetup.single.throughputWithDrain),
    clusterShareWithDrain: ratio(bySetup.cluster.throughputWithDrain, bySetup.singleIds.throughputWithDrain),
  };
}

export interface DedupSample {
  /** MEMORY USAGE (SAMPLES 0) summed over the dedup sets */
  bytes: number;
  /** ZCARD summed over them */
  entries: number;
  sets: number;
  /** readings accepted by the paced run that filled them (every one with a client id) */
  readingsAccepted: number;
  /** the paced run's rate, readings/s */
  rate: number;
  /** PROCESSOR_DEDUP_WINDOW_MS */
  windowMs: number;
}

export interface DedupMemory {
  bytesPerEntry: number;
  /** dedup entries per accepted reading: only readings whose metric has a rule enter the set */
  entriesPerReading: number;
  /** entries a full window holds at the paced rate, and their memory (MB = 10^6 bytes, as the README) */
  windowEntriesAtRate: number;
  windowMbAtRate: number;
  /** 1,000 sensors sending one reading a second that enters the set, held for the window */
  entriesPer1000Sensors: number;
  mbPer1000Sensors: number;
}

const MB = 1e6;

export function dedupMemory(s: DedupSample): DedupMemory {
  const windowS = s.windowMs / 1000;
  const bytesPerEntry = s.entries > 0 ? s.bytes / s.entries : Number.NaN;
  const entriesPerReading = s.readingsAccepted > 0 ? s.entries / s.readingsAccepted : Number.NaN;
  const windowEntriesAtRate = s.rate * entriesPerReading * windowS;
  const entriesPer1000Sensors = 1000 * windowS;
  return {
    bytesPerEntry,
    entriesPerReading,
    windowEntriesAtRate,
    windowMbAtRate: (windowEntriesAtRate * bytesPerEntry) / MB,
    entriesPer1000Sensors,
    mbPer1000Sensors: (entriesPer1000Sensors * bytesPerEntry) / MB,
  };
}
