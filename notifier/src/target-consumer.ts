// One notification target's consumer of the alarms topic, in a consumer group of its own: a target
// that is down or slow holds back only itself. Per partition batch: decode (poison → dead letter),
// let the target plan its posts, deliver each until the target accepts it, and only then resolve and
// commit the offsets it covers. So delivery is at least once: a crash, a rebalance or a shutdown in
// the middle of a retry leaves the offsets uncommitted and the transitions come again.
import type { Consumer, EachBatchPayload, Producer } from 'kafkajs';
import { type AlarmMessage, decodeOrDeadLetter, type Logger, retryUntilDone } from '../../shared/src';
import { decodeAlarm } from './alarm-message';
import type { Positioned } from './alertmanager-plan';
import { deliverUntilAccepted, type Outcome } from './delivery-retry';
import type { NotifierMetrics } from './notifier-metrics';
import type { TargetSpec } from './targets';

/** One POST a target makes of (part of) a batch, and the offset it covers once accepted. */
export interface PlannedPost {
  offset: string;
  /** the transitions' times (epoch ms), for the delivery delay */
  at: number[];
  attempt(): Promise<Outcome>;
}

export interface TargetSender {
  spec: TargetSpec;
  plan(partition: number, transitions: Positioned<AlarmMessage>[]): PlannedPost[];
}

export interface TargetConsumerDeps {
  consumer: Consumer;
  sender: TargetSender;
  topic: string;
  /** new group: read from the start of the topic, or only what comes from now on */
  fromBeginning: boolean;
  partitionsConsumedConcurrently: number;
  producer: Producer;
  deadLetterTopic: string;
  retryInitialMs: number;
  retryMaxMs: number;
  metrics: NotifierMetrics;
  logger: Logger;
}

const HEARTBEAT_EVERY_MS = 2000;

export function createTargetConsumer(deps: TargetConsumerDeps) {
  const { consumer, sender, metrics } = deps;
  const { name } = sender.spec;
  const logger = deps.logger.child({ target: name, host: sender.spec.host });
  let stopping = false;
  const wakeUps = new Set<() => void>();

  /** waits ms, or less when stopping */
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakeUps.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakeUps.add(done);
    });

  async function handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    if (batch.messages.length === 0) return;
    // Heartbeats go on through long retries (so the group keeps us); one that fails because the
    // group is rebalancing ends the retries, so the rebalance is not held up by a target that is down.
    let rebalancing = false;
    const heartbeat = () =>
      payload.heartbeat().catch((err: { type?: string }) => {
        if (err.type === 'REBALANCE_IN_PROGRESS' || err.type === 'NOT_COORDINATOR' || err.type === 'UNKNOWN_MEMBER_ID')
          rebalancing = true;
      });
    const timer = setInterval(() => void heartbeat(), HEARTBEAT_EVERY_MS);
    const shouldContinue = () => !stopping && !rebalancing && isRunning() && !isStale();
    try {
      const decoded = await decodeOrDeadLetter(
        batch,
        decodeAlarm,
        {
          producer: deps.producer,
          deadLetterTopic: deps.deadLetterTopic,
          groupId: sender.spec.groupId,
          logger,
          counter: { inc: (n) => metrics.deadLettered.inc({ target: name }, n) },
        },
        (send) => retryUntilDone(send, { shouldContinue, heartbeat }),
      );
      const transitions = decoded.map((d) => ({ offset: d.message.offset, value: d.value }));
      for (const post of sender.plan(batch.partition, transitions)) {
        const attempts = await deliverUntilAccepted(post.attempt, {
          initialMs: deps.retryInitialMs,
          maxMs: deps.retryMaxMs,
          shouldContinue,
          sleep,
          onFailure: (outcome, attempt, waitMs) => {
            metrics.failures.inc({ target: name, reason: outcome.reason });
            metrics.failing.set({ target: name }, 1);
            // the first failure and then every tenth: a target down for an hour is not a log flood
            if (attempt === 1 || attempt % 10 === 0)
              logger.warn(
                { partition: batch.partition, reason: outcome.reason, detail: outcome.detail, attempt, waitMs },
                'notification not accepted; retrying',
              );
          },
        });
        if (attempts === undefined) return; // stopping or lost the partition: the rest comes again
        const now = Date.now();
        metrics.sent.inc({ target: name }, post.at.length);
        metrics.failing.set({ target: name }, 0);
        for (const at of post.at) metrics.delaySeconds.observe({ target: name }, Math.max(0, now - at) / 1000);
        if (attempts > 1) {
          metrics.retried.inc({ target: name }, post.at.length);
          logger.info({ partition: batch.partition, attempts }, 'notification accepted after retries');
        }
        resolveOffset(post.offset);
        await commitOffsetsIfNecessary();
      }
      // the batch's tail of transitions the target had nothing to post for, and dead letters
      resolveOffset(batch.messages[batch.messages.length - 1].offset);
      await commitOffsetsIfNecessary();
      metrics.lag.set({ target: name, partition: String(batch.partition) }, Number(batch.offsetLag()));
    } catch (err) {
      // dead-lettering gave up because we stop or lost the partition: the batch comes again
      if (!shouldContinue()) return;
      throw err;
    } finally {
      clearInterval(timer);
    }
  }

  return {
    consumer,
    spec: sender.spec,
    async start(): Promise<void> {
      await consumer.subscribe({ topics: [deps.topic], fromBeginning: deps.fromBeginning });
      await consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: deps.partitionsConsumedConcurrently,
        eachBatch: handleBatch,
      });
    },
    async stop(): Promise<void> {
      // A POST in flight finishes (within the target timeout); retries waiting are cut short.
      stopping = true;
      for (const wake of [...wakeUps]) wake();
      await consumer.disconnect();
    },
  };
}
