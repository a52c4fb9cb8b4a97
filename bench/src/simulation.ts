// The simulator's engine, used by the CLI (simulator.ts) and by the bench: `concurrency` workers take
// request numbers in turn, wait for each one's due time (pacing.ts), POST its body over keep-alive
// connections and record the answer. Latency runs from writing the request to reading the whole answer.
// Requests go through the client library's one-off requests (one attempt, uncompressed: the bodies
// the original's sensors send); `poster: 'raw'` posts with a bare http.request instead, the baseline
// the client bench (client-phase.ts) compares the library's batching against.
import http from 'node:http';
import { createClient, type MetricsClient } from '../../client/src';
import { seededRandom } from '../../tester/src/seeded-random';
import { createLatencyHistogram, type LatencySummary } from './latency-histogram';
import { createPacer, waitBeforeMs } from './pacing';
import { createBodyGenerator, readingsPerRequest, type RequestMode, type SimulatedReading } from './reading-bodies';

export interface SimulationOptions {
  url: string;
  sensors: number;
  /** readings per second in total; 0 = as fast as `concurrency` allows */
  rate: number;
  durationS: number;
  metrics: readonly string[];
  overThreshold: number;
  mode: RequestMode;
  batchSize: number;
  concurrency: number;
  seed: number;
  /** sensor ids are `${sensorPrefix}${n}` (default "sim-") */
  sensorPrefix?: string;
  /** bodies carry an `id` (see reading-bodies.ts) */
  clientIds?: boolean;
  requestTimeoutMs?: number;
  /** 'client' (default): the client library's one-off requests; 'raw': a bare http.request per request */
  poster?: 'client' | 'raw';
  /** sent with every request (e.g. Authorization for a receiver with RECEIVER_AUTH=on) */
  headers?: Readonly<Record<string, string>>;
  /** called about every `progressEveryMs` (default 250) and once at the end */
  onProgress?(progress: SimulationProgress): void;
  progressEveryMs?: number;
  /** called for each request answered 200, with the time (epoch ms) its answer was read */
  onAccepted?(readings: readonly SimulatedReading[], acceptedAtMs: number): void;
}

export interface SimulationProgress {
  elapsedMs: number;
  durationMs: number;
  requestsSent: number;
  readingsAccepted: number;
  errors: number;
}

export interface SimulationResult {
  mode: RequestMode;
  /** readings per second asked for; 0 = as fast as possible */
  targetRate: number;
  concurrency: number;
  readingsPerRequest: number;
  /** from the first request to the last answer */
  elapsedS: number;
  /**
   * what the rates are measured over: paced, the schedule (the planned duration, longer when requests
   * could not be sent on time); unpaced, from the first request to the last answer
   */
  windowS: number;
  requestsSent: number;
  requestsAccepted: number;
  readingsSent: number;
  readingsAccepted: number;
  /** answers other than 200 by status; "network" for connection errors, "timeout" for no answer in time */
  errorsByStatus: Record<string, number>;
  /** accepted over windowS */
  readingsPerSecond: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
}

interface Answer {
  status: string;
}

function post(
  agent: http.Agent,
  base: URL,
  path: string,
  body: string,
  timeoutMs: number,
  extraHeaders: Readonly<Record<string, string>> = {},
): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port || 80,
        method: 'POST',
        path,
        headers: { ...extraHeaders, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve({ status: String(res.statusCode) }));
        res.on('error', () => resolve({ status: 'network' }));
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve({ status: 'timeout' });
    });
    req.on('error', () => resolve({ status: 'network' }));
    req.end(body);
  });
}

/** One attempt through the client library, its answer as the simulator counts it. */
async function postViaClient(
  client: MetricsClient,
  path: string,
  body: string,
  timeoutMs: number,
  headers: Readonly<Record<string, string>> = {},
): Promise<Answer> {
  const res = await client.request('POST', path, {
    body,
    retry: false,
    gzip: false,
    timeoutMs,
    headers: { ...headers },
  });
  if (res.status !== undefined) return { status: String(res.status) };
  return { status: res.error?.kind === 'timeout' ? 'timeout' : 'network' };
}

const TIMER_SLACK_MS = 20;

/**
 * The time rates are measured over. Paced: the schedule, i.e. the planned duration when every request
 * went out on time (within 20 ms), longer when the last one went out late (the receiver or the client could not keep
 * up). Unpaced: first request to last answer. Pure.
 */
export function windowSeconds(t: {
  requestsPerSecond: number;
  durationMs: number;
  lastSentMs: number;
  lastAnswerMs: number;
}): number {
  if (t.requestsPerSecond > 0) {
    // a request sent up to TIMER_SLACK_MS after its due time was on time (timers fire a few ms late)
    const lateMs = t.lastSentMs + 1000 / t.requestsPerSecond - t.durationMs;
    return (t.durationMs + (lateMs > TIMER_SLACK_MS ? lateMs : 0)) / 1000;
  }
  return Math.max(t.lastAnswerMs, 1) / 1000;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const base = new URL(options.url);
  const perRequest = readingsPerRequest(options);
  const durationMs = options.durationS * 1000;
  const pacer = createPacer({ readingsPerSecond: options.rate, readingsPerRequest: perRequest, durationMs });
  const bodies = createBodyGenerator(
    {
      sensors: options.sensors,
      sensorPrefix: options.sensorPrefix ?? 'sim-',
      metrics: options.metrics,
      overThreshold: options.overThreshold,
      mode: options.mode,
      batchSize: options.batchSize,
      clientIds: options.clientIds ?? false,
    },
    seededRandom(options.seed),
  );
  const raw = options.poster === 'raw';
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const client = raw ? undefined : createClient({ url: options.url, gzip: false });
  const latency = createLatencyHistogram();
  const errorsByStatus: Record<string, number> = {};
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  let next = 0;
  let requestsSent = 0;
  let requestsAccepted = 0;
  let readingsSent = 0;
  let readingsAccepted = 0;
  let errors = 0;
  let lastAnswerMs = 0;
  let lastSentMs = 0;

  const start = performance.now();
  const elapsed = () => performance.now() - start;
  const progress = (): SimulationProgress => ({
    elapsedMs: Math.min(elapsed(), durationMs),
    durationMs,
    requestsSent,
    readingsAccepted,
    errors,
  });
  const progressTimer = options.onProgress
    ? setInterval(() => options.onProgress?.(progress()), options.progressEveryMs ?? 250)
    : undefined;

  const worker = async () => {
    for (;;) {
      const index = next++;
      if (pacer.isFinished(index, elapsed())) return;
      const wait = waitBeforeMs(pacer.dueAtMs(index), elapsed());
      if (wait > 0) await sleep(wait);
      if (pacer.requestsPerSecond === 0 && elapsed() >= durationMs) return;
      const request = bodies.next();
      requestsSent += 1;
      readingsSent += request.readings.length;
      const sentAt = performance.now();
      lastSentMs = sentAt - start;
      const answer = client
        ? await postViaClient(client, request.path, request.body, timeoutMs, options.headers)
        : await post(agent, base, request.path, request.body, timeoutMs, options.headers);
      const answeredAt = performance.now();
      latency.record(answeredAt - sentAt);
      lastAnswerMs = answeredAt - start;
      if (answer.status === '200') {
        requestsAccepted += 1;
        readingsAccepted += request.readings.length;
        options.onAccepted?.(request.readings, Date.now());
      } else {
        errors += 1;
        errorsByStatus[answer.status] = (errorsByStatus[answer.status] ?? 0) + 1;
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    clearInterval(progressTimer);
    agent.destroy();
    await client?.close({ timeoutMs: 0 });
  }
  options.onProgress?.(progress());
  const elapsedS = Math.max(lastAnswerMs, 1) / 1000;
  const windowS = windowSeconds({ requestsPerSecond: pacer.requestsPerSecond, durationMs, lastSentMs, lastAnswerMs });
  return {
    mode: options.mode,
    targetRate: options.rate,
    concurrency: options.concurrency,
    readingsPerRequest: perRequest,
    elapsedS,
    windowS,
    requestsSent,
    requestsAccepted,
    readingsSent,
    readingsAccepted,
    errorsByStatus,
    readingsPerSecond: readingsAccepted / windowS,
    requestsPerSecond: requestsAccepted / windowS,
    latencyMs: latency.summary(),
  };
}
