// The receiver's client: readings and log lines are buffered, batched, gzip-compressed and posted with
// retries (client ids make every retry idempotent); counters and events say what became of them. Also
// one-off requests under the caller's control (retry or not, timeout, which receiver) for tests and
// simulators that must see each answer.
import { EventEmitter } from 'node:events';
import { Channel, type DropReason, type Entry, type Overflow } from './channel';
import { createIdSource, type IdSource } from './client-id';
import { createTransport, gzip, type HttpAnswer, type Transport, type TransportError } from './http-transport';
import {
  checkSensorId,
  jsonArray,
  type LogLevel,
  type LogLine,
  logsPath,
  MAX_LOG_LINES_PER_REQUEST,
  MEASUREMENTS_PATH,
  type MeasurementItem,
  measurementPath,
  serialiseLogLine,
  serialiseMeasurement,
  type TimeInput,
} from './request-bodies';
import {
  type AttemptReport,
  DEFAULT_RETRY,
  NO_RETRY,
  realEnvironment,
  type RetryEnvironment,
  type RetryOptions,
  sendWithRetry,
  type SendOutcome,
} from './retry';
import { type TimedOptions, wrapTimed } from './timed';

const VERSION = '0.1.0';

export interface BufferOptions {
  /** readings (metric values) per request, or log lines; reaching it sends at once (default 1000) */
  maxItems?: number;
  /** longest a reading waits before its batch is sent, ms (default 1000) */
  maxWaitMs?: number;
  /** JSON bytes per request before compression (default 512 KiB; the receiver takes 1 MiB) */
  maxBatchBytes?: number;
  /** bound of the buffer in readings (log lines), those in flight included (default 100,000; logs 10,000) */
  maxBufferedReadings?: number;
  /** bound of the buffer in JSON bytes (default 16 MiB) */
  maxBufferedBytes?: number;
  /** when the buffer is full: drop the oldest waiting and count them (default), or make the call wait */
  overflow?: Overflow;
  /** requests in flight at once (default 1: a sensor's readings reach the receiver in order, retries included) */
  concurrency?: number;
}

export interface ClientOptions extends BufferOptions {
  /** base URL of the receiver, e.g. http://127.0.0.1:8080; several: requests go round robin, a retry to the next */
  url: string | readonly string[];
  /** a sensor token (Authorization: Bearer), when the receiver requires one */
  token?: string;
  /** the log lines' buffer, when it should differ from the readings' (maxItems at most 5000) */
  logs?: BufferOptions;
  /** the whole exchange of one attempt, ms (default 15,000: the receiver answers 503 within 10 s) */
  requestTimeoutMs?: number;
  /** gzip request bodies (default true) of at least `minCompressBytes` (default 1024) */
  gzip?: boolean;
  gzipLevel?: number;
  minCompressBytes?: number;
  /** backoff and limits of the batches' retries (default: retry until accepted or refused) */
  retry?: Partial<RetryOptions>;
  /** the sensor `timed` records under when not given to it */
  sensorId?: string;
  /** per-instance part of the client ids (default: start time and random bits) */
  idEpoch?: string;
  /** longest close() waits for the buffer to drain before dropping the rest, ms (default 30,000) */
  closeTimeoutMs?: number;
  /** for tests: the HTTP transport and the retry clock */
  transport?: Transport;
  retryEnvironment?: RetryEnvironment;
}

export type Kind = 'readings' | 'logs';

export interface Counters {
  /** readings (metric values) or log lines taken by record()/log() */
  recorded: number;
  /** acknowledged by the receiver (200) */
  sent: number;
  /** requests answered 200 */
  requests: number;
  /** attempts that were retried */
  retried: number;
  /** never delivered: buffer overflow, retries given up, or still buffered past close()'s deadline */
  dropped: number;
  /** refused by the receiver with a 4xx other than 429 (not retried) */
  rejected: number;
  /** waiting or in flight now */
  buffered: number;
  /** request bodies on the wire, after compression */
  bytesSent: number;
}

export interface FieldError {
  field: string;
  message: string;
  index?: number;
}

export interface SentEvent {
  kind: Kind;
  count: number;
  attempts: number;
  url: string;
}

export interface RetryEvent {
  kind: Kind;
  count: number;
  attempt: number;
  url: string;
  status?: number;
  error?: TransportError;
  retryInMs: number;
}

export interface RejectedEvent {
  kind: Kind;
  count: number;
  status: number;
  url: string;
  /** the receiver's answer as text, and its error list when it is the contract's error body */
  body: string;
  errors?: FieldError[];
}

export interface DroppedEvent {
  kind: Kind;
  count: number;
  reason: DropReason | 'gave-up';
  /** for 'gave-up': the last status or error */
  status?: number;
  error?: TransportError;
}

export interface ClientEvents {
  sent: [SentEvent];
  retry: [RetryEvent];
  rejected: [RejectedEvent];
  dropped: [DroppedEvent];
}

export interface RequestOptions {
  /** base URL of this request instead of the client's (one of them or any other) */
  url?: string;
  timeoutMs?: number;
  /** false: one attempt whatever it gets; or backoff and limits (default: the client's retry options) */
  retry?: false | Partial<RetryOptions>;
  /** gzip the body (default: the client's setting) */
  gzip?: boolean;
  /** a token instead of the client's; null sends none */
  token?: string | null;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** called after each attempt (status or error, and the wait before the next one when retried) */
  onAttempt?(report: AttemptReport): void;
}

export interface RawRequestOptions extends RequestOptions {
  /** a value sent as JSON */
  json?: unknown;
  /** a raw body, sent as is */
  body?: string | Buffer;
  /** default application/json */
  contentType?: string;
}

export interface RequestResult {
  /** 2xx */
  ok: boolean;
  outcome: SendOutcome['kind'];
  /** undefined when no attempt got an answer */
  status?: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** the parsed body when it is JSON */
  json: unknown;
  attempts: number;
  /** the last attempt's failure, when it got no answer */
  error?: TransportError;
  /** the base URL of the last attempt */
  url: string;
}

interface Resolved {
  urls: string[];
  readings: ChannelSettings;
  logs: ChannelSettings;
  requestTimeoutMs: number;
  gzip: boolean;
  gzipLevel: number;
  minCompressBytes: number;
  retry: RetryOptions;
  closeTimeoutMs: number;
}

type ChannelSettings = Required<BufferOptions>;

function positive(name: string, value: number): number {
  if (!(typeof value === 'number' && value > 0)) throw new RangeError(`${name} must be a positive number`);
  return value;
}

function channelSettings(prefix: string, given: BufferOptions, defaults: ChannelSettings): ChannelSettings {
  const s = { ...defaults, ...stripUndefined(given) };
  for (const key of ['maxItems', 'maxWaitMs', 'maxBatchBytes', 'maxBufferedReadings', 'maxBufferedBytes'] as const) {
    positive(`${prefix}${key}`, s[key]);
  }
  if (!Number.isInteger(s.concurrency) || s.concurrency < 1)
    throw new RangeError(`${prefix}concurrency must be 1 or more`);
  if (s.overflow !== 'drop-oldest' && s.overflow !== 'block') {
    throw new RangeError(`${prefix}overflow must be 'drop-oldest' or 'block'`);
  }
  if (s.maxBufferedReadings < s.maxItems)
    throw new RangeError(`${prefix}maxBufferedReadings must be at least maxItems`);
  return s;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function resolveOptions(options: ClientOptions): Resolved {
  const urls = (typeof options.url === 'string' ? [options.url] : [...(options.url ?? [])]).map((u) => {
    const url = new URL(u); // throws on a malformed URL
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`url ${u} must be http or https`);
    return url.toString().replace(/\/+$/, '');
  });
  if (urls.length === 0) throw new RangeError('url: at least one receiver URL');
  const readingDefaults: ChannelSettings = {
    maxItems: 1000,
    maxWaitMs: 1000,
    maxBatchBytes: 512 * 1024,
    maxBufferedReadings: 100_000,
    maxBufferedBytes: 16 * 1024 * 1024,
    overflow: 'drop-oldest',
    concurrency: 1,
  };
  const general = stripUndefined<BufferOptions>({
    maxItems: options.maxItems,
    maxWaitMs: options.maxWaitMs,
    maxBatchBytes: options.maxBatchBytes,
    maxBufferedReadings: options.maxBufferedReadings,
    maxBufferedBytes: options.maxBufferedBytes,
    overflow: options.overflow,
    concurrency: options.concurrency,
  });
  const readings = channelSettings('', general, readingDefaults);
  const logs = channelSettings(
    'logs.',
    { ...general, ...(options.logs ?? {}) },
    {
      ...readingDefaults,
      maxBufferedReadings: 10_000,
      ...(general.maxItems ? { maxItems: Math.min(general.maxItems, MAX_LOG_LINES_PER_REQUEST) } : {}),
    },
  );
  if (logs.maxItems > MAX_LOG_LINES_PER_REQUEST) {
    throw new RangeError(`logs.maxItems must be at most ${MAX_LOG_LINES_PER_REQUEST} (the receiver's limit)`);
  }
  const retry = { ...DEFAULT_RETRY, ...stripUndefined(options.retry ?? {}) };
  return {
    urls,
    readings,
    logs,
    requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs ?? 15_000),
    gzip: options.gzip ?? true,
    gzipLevel: options.gzipLevel ?? 1,
    minCompressBytes: options.minCompressBytes ?? 1024,
    retry,
    closeTimeoutMs: options.closeTimeoutMs ?? 30_000,
  };
}

function emptyCounters(): Omit<Counters, 'buffered'> {
  return { recorded: 0, sent: 0, requests: 0, retried: 0, dropped: 0, rejected: 0, bytesSent: 0 };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The contract's error list (`{"result": false, "response": [{field, message, index?}]}`), if that is what it is. */
export function errorList(json: unknown): FieldError[] | undefined {
  const response = (json as { response?: unknown } | undefined)?.response;
  if (!Array.isArray(response)) return undefined;
  return response.filter(
    (e): e is FieldError => typeof e === 'object' && e !== null && typeof (e as FieldError).message === 'string',
  );
}

export class MetricsClient extends EventEmitter<ClientEvents> {
  private readonly settings: Resolved;
  private readonly transport: Transport;
  private readonly ownsTransport: boolean;
  private readonly env: RetryEnvironment;
  private readonly ids: IdSource;
  private readonly counters: Record<Kind, Omit<Counters, 'buffered'>> = {
    readings: emptyCounters(),
    logs: emptyCounters(),
  };
  private readonly channels: Record<Kind, Channel>;
  private readonly defaultSensorId?: string;
  private readonly token?: string;
  private nextUrl = 0;
  private closed?: Promise<void>;

  constructor(options: ClientOptions) {
    super();
    this.settings = resolveOptions(options);
    this.transport = options.transport ?? createTransport();
    this.ownsTransport = options.transport === undefined;
    this.env = options.retryEnvironment ?? realEnvironment;
    this.ids = createIdSource(options.idEpoch);
    this.defaultSensorId = options.sensorId;
    this.token = options.token;
    const channel = (kind: Kind) =>
      new Channel(
        {
          ...this.settings[kind],
          maxBufferedReadings: this.settings[kind].maxBufferedReadings,
          maxBufferedBytes: this.settings[kind].maxBufferedBytes,
        },
        {
          deliver: (route, entries, signal) => this.deliver(kind, route, entries, signal),
          dropped: (entries, reason) => this.drop(kind, count(entries), reason),
        },
      );
    this.channels = { readings: channel('readings'), logs: channel('logs') };
  }

  /** The per-instance part of every client id this client gives. */
  get idEpoch(): string {
    return this.ids.epoch;
  }

  /**
   * Buffers one reading per metric of `sensorId` at `at` (default: now), under one new client id (or
   * `options.id`). Throws a RangeError for what the receiver would refuse. Returns a promise only when
   * the buffer is full under `overflow: 'block'` (`await` it either way).
   */
  record(
    sensorId: string,
    metrics: Readonly<Record<string, number>>,
    at?: TimeInput,
    options: { id?: string } = {},
  ): Promise<void> | undefined {
    return this.recordEntry(sensorId, metrics, at, options.id, true);
  }

  /**
   * Buffers one log line (contract "Logs") of `sensorId`: level, a message of 1 byte to 8 KiB of UTF-8
   * without NUL (`fitLogMessage` makes any text fit), an optional source. Like record() otherwise.
   */
  log(
    sensorId: string,
    level: LogLevel,
    message: string,
    source?: string,
    options: { at?: TimeInput; id?: string } = {},
  ): Promise<void> | undefined {
    this.assertOpen();
    const json = serialiseLogLine({
      at: options.at ?? Date.now(),
      level,
      message,
      ...(source === undefined ? {} : { source }),
      id: options.id ?? this.ids.next(),
    });
    const route = logsPath(checkSensorId(sensorId));
    const pushed = this.channels.logs.push(json, 1, Buffer.byteLength(json) + 1, route);
    this.counters.logs.recorded += 1;
    return pushed;
  }

  /**
   * Wraps `fn` (sync or async): each call records `<name>_duration_ms`, `<name>_calls` (1) and
   * `<name>_errors` (1 when it threw or rejected, else 0) as one reading of `options.sensorId` (default:
   * the client's `sensorId`). The wrapper never waits for room in the buffer (it drops the oldest).
   */
  timed<A extends unknown[], R>(name: string, fn: (...args: A) => R, options: TimedOptions = {}): (...args: A) => R {
    const sensorId = options.sensorId ?? this.defaultSensorId;
    if (sensorId === undefined) throw new RangeError("timed: give a sensorId (in its options or the client's)");
    return wrapTimed(name, fn, (metrics, at) => {
      if (this.closed) return;
      this.recordEntry(sensorId, metrics, at, undefined, false);
    });
  }

  /** Sends everything buffered now; resolves when all of it is settled (sent, rejected or dropped). */
  async flush(): Promise<void> {
    await Promise.all([this.channels.readings.flush(), this.channels.logs.flush()]);
  }

  /**
   * Stops taking readings, sends what is buffered, and waits for it up to `timeoutMs` (default the
   * client's closeTimeoutMs); then stops the retries and drops (and counts) what is left. Idempotent.
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.closed ??= (async () => {
      const deadline = Date.now() + (options.timeoutMs ?? this.settings.closeTimeoutMs);
      await Promise.all([this.channels.readings.close(deadline), this.channels.logs.close(deadline)]);
      if (this.ownsTransport) this.transport.close();
    })();
    return this.closed;
  }

  /** The counters of the readings (default) or of the log lines. */
  stats(kind: Kind = 'readings'): Counters {
    return { ...this.counters[kind], buffered: this.channels[kind].buffered };
  }

  /** One batch of items now, as given (not checked: a test may send what the receiver must refuse). */
  sendMeasurements(
    items: readonly MeasurementItem[] | readonly unknown[],
    options: RequestOptions = {},
  ): Promise<RequestResult> {
    return this.request('POST', MEASUREMENTS_PATH, { ...options, json: items });
  }

  /** One body to the single-sensor (compat) endpoint now, as given. */
  sendMeasurement(sensorId: string, body: unknown, options: RequestOptions = {}): Promise<RequestResult> {
    return this.request('POST', measurementPath(sensorId), { ...options, json: body });
  }

  /** Log lines of one sensor now, as given. */
  sendLogs(
    sensorId: string,
    lines: readonly LogLine[] | readonly unknown[],
    options: RequestOptions = {},
  ): Promise<RequestResult> {
    return this.request('POST', logsPath(sensorId), { ...options, json: lines });
  }

  /**
   * Any request to the receiver now, under the caller's control: the body, retry (default the client's
   * policy; false for one attempt), timeout, target URL, token. Never throws for what the server or the
   * network did: the result says it.
   */
  async request(method: string, path: string, options: RawRequestOptions = {}): Promise<RequestResult> {
    let body: Buffer | undefined;
    if (options.json !== undefined) body = Buffer.from(JSON.stringify(options.json));
    else if (options.body !== undefined)
      body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
    const retry =
      options.retry === false ? NO_RETRY : { ...this.settings.retry, ...stripUndefined(options.retry ?? {}) };
    const { outcome, url } = await this.send(method, path, body, {
      ...options,
      retry,
      contentType: options.contentType ?? 'application/json',
    });
    const answer = outcome.answer;
    const text = answer ? answer.body.toString('utf8') : '';
    const contentType = String(answer?.headers['content-type'] ?? '');
    const result: RequestResult = {
      ok: outcome.kind === 'ok',
      outcome: outcome.kind,
      headers: answer?.headers ?? {},
      text,
      json: /json/i.test(contentType) ? parseJson(text) : undefined,
      attempts: outcome.attempts,
      url,
    };
    if (answer) result.status = answer.status;
    if (outcome.kind !== 'ok' && outcome.kind !== 'refused' && outcome.error) result.error = outcome.error;
    return result;
  }

  private recordEntry(
    sensorId: string,
    metrics: Readonly<Record<string, number>>,
    at: TimeInput | undefined,
    id: string | undefined,
    mayBlock: boolean,
  ): Promise<void> | undefined {
    this.assertOpen();
    // `at` is always sent: the receiver's "time of receipt" would be late by the batching and retries
    const { json, readings } = serialiseMeasurement(
      sensorId,
      metrics,
      at ?? Date.now(),
      id ?? this.ids.next(),
      id === undefined,
    );
    // the JSON is ASCII (checked names, numbers): its length is its size in bytes
    const pushed = this.channels.readings.push(json, readings, json.length + 1, MEASUREMENTS_PATH, mayBlock);
    this.counters.readings.recorded += readings;
    return pushed;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the client is closed');
  }

  private drop(
    kind: Kind,
    n: number,
    reason: DroppedEvent['reason'],
    last?: { status?: number; error?: TransportError },
  ) {
    this.counters[kind].dropped += n;
    const event: DroppedEvent = { kind, count: n, reason };
    if (last?.status !== undefined) event.status = last.status;
    if (last?.error) event.error = last.error;
    this.emit('dropped', event);
  }

  /** One request of a batch, with the client's retries; settles its entries in the counters and events. */
  private async deliver(kind: Kind, route: string, entries: Entry[], signal: AbortSignal): Promise<void> {
    const n = count(entries);
    const { outcome, url, bytes } = await this.send('POST', route, Buffer.from(jsonArray(entries)), {
      retry: this.settings.retry,
      signal,
      contentType: 'application/json',
      onAttempt: (report) => {
        if (report.retryInMs === undefined) return;
        this.counters[kind].retried += 1;
        this.emit('retry', {
          kind,
          count: n,
          attempt: report.attempt,
          url: report.url,
          retryInMs: report.retryInMs,
          ...(report.status === undefined ? {} : { status: report.status }),
          ...(report.error ? { error: report.error } : {}),
        });
      },
    });
    const c = this.counters[kind];
    switch (outcome.kind) {
      case 'ok':
        c.sent += n;
        c.requests += 1;
        c.bytesSent += bytes;
        this.emit('sent', { kind, count: n, attempts: outcome.attempts, url });
        return;
      case 'refused': {
        // too large for this receiver (its body limit is lower than our maxBatchBytes): halve and resend
        if (outcome.answer.status === 413 && entries.length > 1) {
          const half = Math.ceil(entries.length / 2);
          await this.deliver(kind, route, entries.slice(0, half), signal);
          await this.deliver(kind, route, entries.slice(half), signal);
          return;
        }
        c.rejected += n;
        const text = outcome.answer.body.toString('utf8');
        const errors = errorList(parseJson(text));
        this.emit('rejected', {
          kind,
          count: n,
          status: outcome.answer.status,
          url,
          body: text,
          ...(errors ? { errors } : {}),
        });
        return;
      }
      case 'gave-up':
      case 'aborted':
        this.drop(kind, n, outcome.kind === 'aborted' ? 'close' : 'gave-up', {
          status: outcome.answer?.status,
          error: outcome.error,
        });
        return;
    }
  }

  private async send(
    method: string,
    path: string,
    body: Buffer | undefined,
    options: RequestOptions & { retry: RetryOptions; contentType: string },
  ): Promise<{ outcome: SendOutcome; url: string; bytes: number }> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': `metrics-client/${VERSION} node/${process.versions.node}`,
    };
    if (body) headers['content-type'] = options.contentType;
    const token = options.token === undefined ? this.token : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let payload = body;
    const compress = options.gzip ?? this.settings.gzip;
    if (body && compress && body.length >= this.settings.minCompressBytes) {
      payload = await gzip(body, this.settings.gzipLevel);
      headers['content-encoding'] = 'gzip';
    }
    Object.assign(headers, options.headers);
    const urls = options.url ? [options.url.replace(/\/+$/, '')] : this.settings.urls;
    const first = this.nextUrl++;
    const urlOf = (attempt: number) => urls[(first + attempt - 1) % urls.length];
    let lastUrl = urlOf(1);
    const timeoutMs = options.timeoutMs ?? this.settings.requestTimeoutMs;
    const outcome = await sendWithRetry(
      async (base): Promise<HttpAnswer> => {
        lastUrl = base;
        return this.transport.send({
          method,
          url: new URL(`${base}${path}`),
          headers,
          ...(payload ? { body: payload } : {}),
          timeoutMs,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      },
      urlOf,
      options.retry,
      (report) => options.onAttempt?.(report),
      this.env,
      options.signal,
    );
    return { outcome, url: lastUrl, bytes: payload?.length ?? 0 };
  }
}

function count(entries: readonly Entry[]): number {
  let n = 0;
  for (const e of entries) n += e.readings;
  return n;
}

/** A client for the receiver at `options.url`. */
export function createClient(options: ClientOptions): MetricsClient {
  return new MetricsClient(options);
}
