// The live streams of one assessor instance (README "Live stream"): the open Server-Sent Events
// answers, and the fan-out of what the instance's stream consumer reads (stream-source.ts) to them.
//  - A reading goes to the clients that selected its sensor (an index by sensor, so a reading nobody
//    watches costs one map look-up and is not even decoded); events and alarm transitions go to the
//    clients that selected their sensor or selected none.
//  - Each message is framed once and the same string queued to every client. A client's frames wait
//    in its queue while its socket is full; past ASSESSOR_STREAM_CLIENT_BUFFER_BYTES (queue plus what
//    Node still holds for the socket) the client is disconnected and counted, never buffered without
//    bound. Writes are gathered per turn of the event loop (one write per client, not per message),
//    or per 16 KiB in a burst.
//  - A comment every ASSESSOR_STREAM_HEARTBEAT_MS keeps proxies from closing idle streams (and finds
//    dead peers: their heartbeats pile up until the bound drops them).
//  - With ASSESSOR_AUTH=on the token of each open stream is checked again every few seconds, so a
//    revocation ends its streams within the time it takes everywhere else (10 s).
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type AlarmMessage,
  AppError,
  type Config,
  type Logger,
  type Reading,
  type SensorEvent,
  schema,
  TOKEN_CACHE_TTL_MS,
} from '../../shared/src';
import { HEARTBEAT, sseComment, sseMessage, sseRetry } from './sse-frames';
import { alarmData, eventData, readingData } from './stream-messages';
import type { StreamMetrics } from './stream-metrics';
import { createStreamQueue, type StreamQueue } from './stream-queue';

export interface LiveStreamSettings {
  heartbeatMs: number;
  /** the reconnection delay sent to clients (`retry:`) */
  retryMs: number;
  /** streams this instance serves at once; one more is a 429 */
  maxClients: number;
  /** most bytes a client may have waiting before it is disconnected */
  clientBufferBytes: number;
  /** how often the credential of each open stream is checked again, ms */
  recheckMs: number;
}

type StreamConfig = Pick<
  Config['assessor'],
  'streamHeartbeatMs' | 'streamRetryMs' | 'streamMaxClients' | 'streamClientBufferBytes'
>;

/**
 * The settings from the assessor's configuration; a configuration without them (a test's) gets the
 * schema's defaults. Tokens are checked again at half the verifier's cache time, so a revoked token's
 * stream ends within the cache time plus that: 7.5 s, inside the 10 s the contract allows.
 */
export function liveStreamSettings(config: object): LiveStreamSettings {
  const c = config as Partial<StreamConfig>;
  const d = schema.assessor;
  return {
    heartbeatMs: c.streamHeartbeatMs ?? d.streamHeartbeatMs.default,
    retryMs: c.streamRetryMs ?? d.streamRetryMs.default,
    maxClients: c.streamMaxClients ?? d.streamMaxClients.default,
    clientBufferBytes: c.streamClientBufferBytes ?? d.streamClientBufferBytes.default,
    recheckMs: TOKEN_CACHE_TTL_MS / 2,
  };
}

/** What the stream consumer hands over (stream-source.ts). */
export interface StreamSink {
  /** whether any client selected this sensor's readings (so the consumer decodes only those) */
  wantsReadingsOf(sensorId: string): boolean;
  reading(reading: Reading): void;
  event(event: SensorEvent): void;
  alarm(alarm: AlarmMessage): void;
}

export interface LiveStreams extends StreamSink {
  /**
   * Answers `res` with a stream of the selected sensors (none: events and alarms of all sensors).
   * Throws the AppError to answer instead (429 when the instance serves its most, 503 when closing).
   * `recheck` says whether the request's credential is still valid (revoked: the stream ends).
   */
  attach(
    req: IncomingMessage,
    res: ServerResponse,
    sensorIds: readonly string[],
    recheck?: () => Promise<boolean>,
  ): void;
  readonly clientCount: number;
  /** Ends every stream and refuses new ones (shutdown). */
  close(): void;
}

interface Client {
  id: number;
  res: ServerResponse;
  /** the selected sensors; null: none selected (events and alarms of all sensors, no readings) */
  sensors: ReadonlySet<string> | null;
  queue: StreamQueue;
  flushing: boolean;
  waitingForDrain: boolean;
  ended: boolean;
  recheck?: () => Promise<boolean>;
  checking: boolean;
}

/** Queued bytes written at once, without waiting for the end of the turn (Node's default high-water mark). */
const FLUSH_AT_BYTES = 16 * 1024;

export const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // never cached, never transformed (compressing proxies buffer), and not buffered by nginx
  'Cache-Control': 'no-store, no-transform',
  'X-Accel-Buffering': 'no',
} as const;

export function createLiveStreams(deps: {
  settings: LiveStreamSettings;
  metrics: StreamMetrics;
  logger: Logger;
}): LiveStreams {
  const { settings, metrics } = deps;
  const logger = deps.logger.child({ module: 'assessor.stream' });
  const clients = new Set<Client>();
  const readers = new Map<string, Set<Client>>();
  let timers: NodeJS.Timeout[] = [];
  let closed = false;
  let nextId = 1;

  const flush = (client: Client) => {
    client.flushing = false;
    if (client.ended || client.waitingForDrain || client.queue.frames === 0) return;
    if (!client.res.write(client.queue.take())) {
      client.waitingForDrain = true;
      client.res.once('drain', () => {
        client.waitingForDrain = false;
        schedule(client);
      });
    }
  };

  const schedule = (client: Client) => {
    if (client.flushing || client.waitingForDrain || client.ended) return;
    client.flushing = true;
    setImmediate(flush, client);
  };

  const remove = (client: Client) => {
    if (!clients.delete(client)) return;
    client.ended = true;
    for (const id of client.sensors ?? []) {
      const set = readers.get(id);
      set?.delete(client);
      if (set?.size === 0) readers.delete(id);
    }
    metrics.clients.set(clients.size);
    if (clients.size === 0) stopTimers();
  };

  const end = (client: Client, reason: 'slow' | 'revoked' | 'shutdown') => {
    if (client.ended) return;
    remove(client);
    metrics.disconnected.inc({ reason });
    if (reason === 'slow') {
      // its socket takes nothing: waiting to flush a goodbye would keep the memory this frees
      logger.warn(
        { client: client.id, queuedBytes: client.queue.bytes, socketBytes: client.res.writableLength },
        'live stream client too slow; disconnected',
      );
      client.res.destroy();
    } else {
      client.res.end();
    }
  };

  const deliver = (client: Client, frame: string) => {
    if (client.ended) return;
    if (!client.queue.offer(frame, client.res.writableLength)) {
      end(client, 'slow');
      return;
    }
    // a burst (a fetch's worth of one sensor) goes to the socket as it comes rather than all at the
    // end of the turn, so only a client whose socket stops taking it reaches the bound
    if (client.queue.bytes >= FLUSH_AT_BYTES) flush(client);
    else schedule(client);
  };

  const recheckAll = () => {
    for (const client of clients) {
      if (!client.recheck || client.checking) continue;
      client.checking = true;
      client
        .recheck()
        .then((valid) => {
          if (!valid) end(client, 'revoked');
        })
        .catch(() => undefined) // a failed check (PostgreSQL away) keeps the stream; the next one decides
        .finally(() => {
          client.checking = false;
        });
    }
  };

  const startTimers = () => {
    if (timers.length) return;
    const heartbeat = setInterval(() => {
      for (const client of clients) deliver(client, HEARTBEAT);
    }, settings.heartbeatMs);
    const recheck = setInterval(recheckAll, settings.recheckMs);
    timers = [heartbeat, recheck];
    for (const t of timers) t.unref();
  };

  const stopTimers = () => {
    for (const t of timers) clearInterval(t);
    timers = [];
  };

  /** Frames `data()` once, for the clients watching `sensorId` (or all of its kind), only if there are any. */
  const fanOut = (event: 'event' | 'alarm', sensorId: string, data: () => unknown) => {
    let frame: string | undefined;
    let sent = 0;
    for (const client of clients) {
      if (client.sensors !== null && !client.sensors.has(sensorId)) continue;
      frame ??= sseMessage(event, data());
      deliver(client, frame);
      sent++;
    }
    if (sent) metrics.sent.inc({ event }, sent);
  };

  return {
    attach(req, res, sensorIds, recheck) {
      if (closed) {
        throw new AppError('DEPENDENCY_UNAVAILABLE', [{ field: 'service', message: 'shutting down' }], {
          retryAfterSeconds: 1,
        });
      }
      if (clients.size >= settings.maxClients) {
        throw new AppError(
          'OVERLOADED',
          [
            {
              field: 'stream',
              message: `this instance serves at most ${settings.maxClients} live streams (ASSESSOR_STREAM_MAX_CLIENTS); retry later`,
            },
          ],
          { retryAfterSeconds: Math.max(1, Math.ceil(settings.retryMs / 1000)) },
        );
      }
      res.writeHead(200, STREAM_HEADERS);
      // headers and the first bytes at once: a client (or a test) knows the stream is open
      res.write(sseRetry(settings.retryMs) + sseComment('connected'));
      req.socket.setNoDelay(true);
      const client: Client = {
        id: nextId++,
        res,
        sensors: sensorIds.length ? new Set(sensorIds) : null,
        queue: createStreamQueue(settings.clientBufferBytes),
        flushing: false,
        waitingForDrain: false,
        ended: false,
        recheck,
        checking: false,
      };
      clients.add(client);
      for (const id of client.sensors ?? []) {
        let set = readers.get(id);
        if (!set) readers.set(id, (set = new Set()));
        set.add(client);
      }
      metrics.clients.set(clients.size);
      startTimers();
      res.once('close', () => remove(client));
    },

    get clientCount() {
      return clients.size;
    },

    wantsReadingsOf(sensorId) {
      return readers.has(sensorId);
    },

    reading(reading) {
      const watching = readers.get(reading.sensorId);
      if (!watching) return;
      const frame = sseMessage('reading', readingData(reading));
      for (const client of watching) deliver(client, frame);
      metrics.sent.inc({ event: 'reading' }, watching.size);
    },

    event(event) {
      fanOut('event', event.sensorId, () => eventData(event));
    },

    alarm(alarm) {
      fanOut('alarm', alarm.sensorId, () => alarmData(alarm));
    },

    close() {
      closed = true;
      for (const client of [...clients]) end(client, 'shutdown');
      stopTimers();
    },
  };
}
