// The host agent: every interval one reading of the host's metrics, and the lines of the followed log
// files, all through the client library (batched, retried, bounded while the receiver is down).
import path from 'node:path';
import type { Logger } from 'pino';
import { createClient, fitLogMessage, type MetricsClient } from '../../client/src';
import { createHostSampler, type HostSampler, type SamplerPaths } from './host-sampler';
import { guessLevel } from './log-level';
import { LogTailer } from './log-tailer';

export interface AgentOptions {
  receiverUrl: string;
  token?: string;
  sensorId: string;
  intervalMs: number;
  logFiles: readonly string[];
  stateDir: string;
  logPollMs: number;
  maxItems: number;
  maxWaitMs: number;
  logger: Logger;
  /** tests: another /proc or /sys */
  samplerPaths?: Partial<SamplerPaths>;
  /** tests: client options beyond the settings (retry timings) */
  clientOptions?: Partial<Parameters<typeof createClient>[0]>;
}

export interface Agent {
  client: MetricsClient;
  tailer: LogTailer;
  /** one sample now, recorded (tests; the timer does it every interval) */
  sampleOnce(): Promise<Record<string, number>>;
  /** stops sampling and tailing, sends what is buffered (up to the client's close timeout) */
  stop(): Promise<void>;
}

export async function startAgent(o: AgentOptions): Promise<Agent> {
  const { logger } = o;
  const client = createClient({
    url: o.receiverUrl,
    ...(o.token ? { token: o.token } : {}),
    sensorId: o.sensorId,
    maxItems: o.maxItems,
    maxWaitMs: o.maxWaitMs,
    // the agent's own readings are few: 8,640 a day at 10 s; a day of them fits while the receiver is down
    maxBufferedReadings: 100_000,
    // the files hold the lines: back-pressure rather than drops, the positions wait for delivery
    logs: { overflow: 'block', maxBufferedReadings: 10_000 },
    ...o.clientOptions,
  });
  watchClient(client, logger);

  const errorsSeen = new Set<string>();
  const sampler: HostSampler = createHostSampler(o.samplerPaths, (what, err) => {
    if (errorsSeen.has(what)) return;
    errorsSeen.add(what);
    logger.warn({ what, err }, 'host metric unavailable');
  });

  const tailer = new LogTailer({
    paths: o.logFiles,
    stateFile: path.join(o.stateDir, `agent-${o.sensorId}-tail.json`),
    pollMs: o.logPollMs,
    logger,
    sink: {
      line: (line) =>
        client.log(o.sensorId, guessLevel(line.text), fitLogMessage(line.text), line.source, { id: line.id }),
      flush: async () => {
        const lost = client.stats('logs').dropped;
        await client.flush();
        return client.stats('logs').dropped === lost;
      },
    },
  });

  const sampleOnce = async () => {
    const metrics = await sampler.sample();
    if (Object.keys(metrics).length > 0) client.record(o.sensorId, metrics);
    return metrics;
  };
  // the first sample is the baseline of the rates and of cpu_usage
  await sampleOnce().catch((err) => logger.warn({ err }, 'host sample failed'));
  let sampling: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampleOnce().catch((err) => logger.warn({ err }, 'host sample failed'));
  }, o.intervalMs);
  await tailer.start();
  logger.info(
    { sensorId: o.sensorId, receiver: o.receiverUrl, intervalMs: o.intervalMs, logFiles: o.logFiles },
    'agent started',
  );

  let stopped: Promise<void> | undefined;
  return {
    client,
    tailer,
    sampleOnce,
    stop: () =>
      (stopped ??= (async () => {
        clearInterval(timer);
        await sampling;
        // the round under way finishes (flushed and saved) unless the receiver is down; closing the
        // client then ends it (its lines are not saved, so they are read again after the restart)
        const tailing = tailer.stop();
        const waited = delay(2000);
        await Promise.race([tailing, waited.done]);
        // cleared, not left to fire: a pending 2 s timer kept a stopped agent's process (jest) alive
        waited.cancel();
        await client.close();
        await tailing;
      })()),
  };
}

/** A delay that can be cancelled, so that nothing is left pending once it is not needed. */
function delay(ms: number): { done: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { done, cancel: () => clearTimeout(timer) };
}

function watchClient(client: MetricsClient, logger: Logger): void {
  let failing = false;
  client.on('rejected', (e) =>
    logger.warn(
      { kind: e.kind, count: e.count, status: e.status, errors: e.errors?.slice(0, 5) },
      'receiver refused a batch: dropped',
    ),
  );
  client.on('dropped', (e) => logger.warn({ kind: e.kind, count: e.count, reason: e.reason }, 'dropped'));
  client.on('retry', (e) => {
    if (!failing)
      logger.warn(
        { kind: e.kind, status: e.status, error: e.error?.kind, url: e.url },
        'receiver unavailable: buffering and retrying',
      );
    failing = true;
  });
  client.on('sent', (e) => {
    if (failing) logger.info({ kind: e.kind, attempts: e.attempts }, 'receiver reachable again');
    failing = false;
  });
}
