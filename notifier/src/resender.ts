// Re-sends the active alarms to Alertmanager every ALERTMANAGER_RESEND_S, read from PostgreSQL (the
// alarms table, status 'active'), so Alertmanager never times one out (an active alert's endsAt is a
// few intervals ahead) and gets them all back after it restarted with no memory. Each instance
// re-sends the alarms of the partitions its Alertmanager consumer owns: no two instances post the
// same alarms, and every post of a partition's alarms, transition or re-send, goes through that
// partition's lock and the record of what was posted last (latest-alarms.ts), so a stale row never
// moves an alert back. An alarm posted as firing that is no longer active in PostgreSQL is looked up
// by id and, when cleared there, posted resolved: so an alert a stale row made fire again (a clear
// this instance never saw, sent by the partition's previous owner while the saver lagged) is resolved
// by the next pass, not left firing until its endsAt. A failed re-send is logged and counted; the
// next interval tries again.
import type { Pool } from 'pg';
import type { Logger } from '../../shared/src';
import type { AlarmState } from './alarm-message';
import { activeAlarmsPage, alarmsById } from './alarm-rows';
import { postableAlert } from './alertmanager-payload';
import { postJson } from './http-post';
import type { createKeyedLock } from './keyed-lock';
import type { LatestAlarms } from './latest-alarms';
import type { NotifierMetrics } from './notifier-metrics';
import { ALERTS_PER_POST } from './senders';
import type { TargetSpec } from './targets';

export interface ResenderDeps {
  pool: Pool;
  spec: TargetSpec;
  latest: LatestAlarms;
  lock: ReturnType<typeof createKeyedLock>;
  /** the alarms topic's partitions the Alertmanager consumer owns now */
  ownedPartitions: () => ReadonlySet<number>;
  partitionOf: (sensorId: string) => number;
  intervalMs: number;
  activeForMs: number;
  externalUrl: string;
  timeoutMs: number;
  metrics: NotifierMetrics;
  logger: Logger;
  post?: typeof postJson;
}

export function createResender(deps: ResenderDeps) {
  const post = deps.post ?? postJson;
  const logger = deps.logger.child({ target: deps.spec.name, host: deps.spec.host });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  /** Posts the rows' alarms that are `status` once reconciled with what was posted last. */
  async function postPartition(partition: number, rows: AlarmState[], status: AlarmState['status']): Promise<number> {
    return deps.lock.run(partition, async () => {
      const alarms = rows
        .map((row) => deps.latest.freshest(row))
        .filter((a): a is AlarmState => a !== undefined && a.status === status);
      if (alarms.length === 0) return 0;
      const nowMs = Date.now();
      const options = { nowMs, activeForMs: deps.activeForMs, externalUrl: deps.externalUrl };
      const outcome = await post(
        deps.spec,
        alarms.map((a) => postableAlert(a, options)),
        deps.timeoutMs,
      );
      if (!outcome.accepted) throw new Error(`Alertmanager did not accept the re-send: ${outcome.reason}`);
      for (const a of alarms) deps.latest.remember(a, partition, nowMs);
      return alarms.length;
    });
  }

  /** One pass over the active alarms of the partitions owned now; resolves with the alerts re-sent. */
  async function resendOnce(): Promise<number> {
    const owned = deps.ownedPartitions();
    deps.latest.prune(Date.now(), owned);
    if (owned.size === 0) return 0;
    let sent = 0;
    const seen = new Set<string>();
    let after: Awaited<ReturnType<typeof activeAlarmsPage>>['next'];
    do {
      const page = await activeAlarmsPage(deps.pool, ALERTS_PER_POST, after);
      for (const alarm of page.alarms) seen.add(alarm.id);
      for (const [partition, rows] of byOwnedPartition(page.alarms, owned))
        sent += await postPartition(partition, rows, 'active');
      after = page.next;
    } while (after && !stopped);

    // Posted as firing, and no longer active in PostgreSQL: cleared there (then resolve it), or not
    // stored yet (then nothing to do).
    const gone = deps.latest
      .active()
      .filter(({ alarm, partition }) => owned.has(partition) && !seen.has(alarm.id))
      .map(({ alarm }) => alarm.id);
    for (let i = 0; i < gone.length && !stopped; i += ALERTS_PER_POST) {
      const rows = await alarmsById(deps.pool, gone.slice(i, i + ALERTS_PER_POST));
      for (const [partition, cleared] of byOwnedPartition(rows, owned))
        sent += await postPartition(partition, cleared, 'cleared');
    }
    deps.metrics.resent.inc(sent);
    return sent;
  }

  function byOwnedPartition(alarms: AlarmState[], owned: ReadonlySet<number>): Map<number, AlarmState[]> {
    const byPartition = new Map<number, AlarmState[]>();
    for (const alarm of alarms) {
      const partition = deps.partitionOf(alarm.sensorId);
      if (!owned.has(partition)) continue;
      byPartition.set(partition, [...(byPartition.get(partition) ?? []), alarm]);
    }
    return byPartition;
  }

  /** Runs a pass now unless one is running; never rejects. */
  function runNow(): Promise<number> {
    running ??= resendOnce()
      .then((sent) => {
        logger.debug({ sent }, 're-sent active alarms to Alertmanager');
        return sent;
      })
      .catch((err: Error) => {
        deps.metrics.resendFailures.inc();
        logger.warn({ err: err.message }, 're-send to Alertmanager failed; the next interval tries again');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void runNow().then(schedule), deps.intervalMs);
  };

  return {
    runNow,
    start(): void {
      schedule();
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
