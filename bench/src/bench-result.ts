// The figures of one bench run: what latest.json holds and what the report is rendered from.
import type { LatencySummary } from './latency-histogram';
import type { SimulationResult } from './simulation';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  os: string;
  node: string;
  kafka: string;
  postgres: string;
  redis: string;
  /** 1-minute load average when the run started */
  loadAverageAtStart: number;
  /** cores busy with other work in the 2 s before the run (a shared machine shows here) */
  otherCpuAtStart: number;
}

export interface ServiceMemory {
  peakRssMb: number;
  heapUsedMb?: number;
  heapTotalMb?: number;
  externalMb?: number;
}

/** Cores used per process group during a phase ("other": the rest of the machine). */
export type CpuByProcess = Record<string, number>;

export interface RateFigure {
  items: number;
  seconds: number;
  /** items / seconds; for a limit measured in rounds, the best round */
  perSecond: number;
  /** the rate of each round, when measured in rounds */
  rounds?: number[];
  /** items per request (a Kafka send), when that varies */
  perRequest?: number;
}

/** The receiver's Kafka sends during a phase (from receiver_produce_batch_readings and receiver_produce_seconds). */
export interface ReceiverProduces {
  produces: number;
  readingsPerProduce: number;
  msPerProduce: number;
}

/** What a simulated load achieved (simulation.ts). */
export type SimulatedLoad = SimulationResult;

export interface ConsumerFigure {
  readings: number;
  /** from the first progress seen on /metrics to the last reading */
  seconds: number;
  readingsPerSecond: number;
  /** the same from the service's start (process start, connections, group join included) */
  secondsFromStart: number;
  events: number;
  /** the saver's transactions during the phase (from saver_batch_rows and saver_write_seconds) */
  saverWrites?: SaverWrites;
}

export interface SaverWrites {
  transactions: number;
  rowsPerTransaction: number;
  msPerTransaction: number;
  /** share of the phase's time spent in transactions (one at a time: 1.0 means PostgreSQL-bound) */
  busyShare: number;
}

export interface BacklogSample {
  /** seconds since the load started */
  t: number;
  accepted: number;
  processed: number;
  stored: number;
}

export interface EndToEnd {
  durationS: number;
  load: SimulatedLoad;
  /** readings stored per second during the load (rows written by the saver while the load ran) */
  storedPerSecond: number;
  /** accepted minus stored, at the start and the end of the load */
  backlogAtEnd: number;
  /** least-squares slope of the backlog over the last 80% of the load, readings per second */
  backlogSlopePerS: number;
  backlogGrew: boolean;
  drainS: number;
  storedRows: number;
  lost: number;
  /** rows stored that no 200 promised (possible only after 503s) */
  extra: number;
  timeline: BacklogSample[];
}

export interface EndToEndFullSpeed {
  durationS: number;
  load: SimulatedLoad;
  /** slopes over the last 80% of the load */
  processedPerSecond: number;
  storedPerSecond: number;
  backlogAtEnd: number;
  drainS: number;
  /** readings accepted by the whole e2e phase and not stored after the drain */
  lost: number;
  timeline: BacklogSample[];
}

export interface EventLatency {
  targetRate: number;
  load: SimulatedLoad;
  events: number;
  /** events whose reading the client did not see answered 200 (should be 0) */
  unmatched: number;
  /** 200 read by the client → event stored */
  latencyMs: LatencySummary;
  /** 200 read by the client → the processor produced the event (its Kafka timestamp) */
  toEventsTopicMs: LatencySummary;
  /** event produced → event stored */
  eventsTopicToStoredMs: LatencySummary;
  saverWrites?: SaverWrites;
}

export interface StatisticsFigures {
  sensorId: string;
  days: number;
  readings: number;
  minuteRollups: number;
  /** time to generate readings and rollups with generate_series (and VACUUM ANALYZE) */
  generateS: number;
  calls: number;
  hourlyStatisticsMs: number;
  measurementsMs: number;
  rawHourlyMs: number;
  /** the API's buckets equal those computed from the raw readings */
  consistent: boolean;
}

export interface PgIngest {
  rows: number;
  /** the saver's own transaction (saver/src/writer.ts writeBatch: readings, rollups, latest values) called directly */
  saverTransaction: RateFigure;
  unnestPlain: RateFigure;
  unnestIndexed: RateFigure;
  /** null when psql is not available */
  copyPlain: RateFigure | null;
  fastest: 'copy' | 'unnest';
  limit: RateFigure;
}

export interface BenchResult {
  schema: 1;
  quick: boolean;
  startedAt: string;
  finishedAt: string;
  tookS: number;
  machine: MachineInfo;
  /** environment of the services that differs from the defaults, and why */
  serviceSettings: Record<string, string>;
  limits: {
    kafkaSendBatch: RateFigure;
    kafkaConsume: RateFigure;
    postgres: PgIngest;
  };
  receiverBatch: SimulatedLoad;
  receiverSingle: SimulatedLoad;
  receiverProduces: { batch: ReceiverProduces; single: ReceiverProduces };
  processor: ConsumerFigure;
  saver: ConsumerFigure;
  endToEnd: EndToEnd;
  endToEndFullSpeed: EndToEndFullSpeed;
  eventLatency: EventLatency;
  statistics: StatisticsFigures;
  /** peak resident set (VmHWM) per service, MB, and the phase it was highest in */
  peakRssMb: Record<string, { mb: number; phase: string }>;
  /** per phase and service: peak RSS since the service started, and its V8 heap and external memory at the phase's end */
  memory: Record<string, Record<string, ServiceMemory>>;
  cpu: Record<string, CpuByProcess>;
  /** per phase: the machine's speed just before it, relative to before the first phase (speed-probe.ts) */
  machineSpeed: Record<string, number>;
  notes: string[];
}
