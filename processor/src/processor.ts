// The processor: consumes readings and operators' commands (consumer group, so instances share
// partitions), applies them to the per-(sensor, rule) state in Redis, and emits events and alarm
// transitions. Per partition batch:
//   drain the outbox (what a previous owner raised but may not have sent) →
//   for each chunk: decode (poison → dead letter), apply atomically in Redis with the rule set in
//   force (events and alarm transitions go to the outbox in the same write; on a replicated Redis,
//   wait until a replica holds it), drain the outbox to Kafka whenever it holds anything, then
//   resolve and commit the offsets.
// So every offset committed has its update durable in Redis and its messages in Kafka. A crash
// anywhere replays from the last committed offset; the write skips what was already applied.
// Besides: the rule set follows the rules topic (rule-set-subscription.ts), and a periodic sweep
// raises silence alarms in the partitions this instance owns.
// All work on a partition stops as soon as the partition is revoked (partition-ownership.ts): a stale
// owner must not keep writing while the new one works (the script and the outbox are safe against
// it, but its retries would only slow both down).
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import {
  commandCodec,
  type Config,
  type DeadLetterTarget,
  decodeOrDeadLetter,
  decodeReading,
  type Logger,
  PoisonMessageError,
  type RedisClient,
  redisWaitReplicas,
  retryUntilDone,
  SCHEMA_IDS,
  schemaIdOf,
} from '../../shared/src';
import type { AlarmRule } from '../../shared/src/rule-set';
import type { ChunkItem } from './chunk-plan';
import {
  createPartitionOwnership,
  meansPartitionsRevoked,
  type PartitionOwnership,
  trackOwnership,
} from './partition-ownership';
import type { ProcessorMetrics } from './processor-metrics';
import { createRuleBook, type RuleBook } from './rule-book';
import { type RuleSetSubscription, subscribeRuleSets } from './rule-set-subscription';
import { createStreakStore, type StreakStore } from './streak-store';

type Decoded = Omit<ChunkItem, 'offset'>;

/** A message of the readings topic: a reading, or an operator's command (told apart by schema id). */
function decodeMessage(value: Buffer | null): Decoded {
  if (schemaIdOf(value) !== SCHEMA_IDS.commandV1) return { reading: decodeReading(value) };
  const command = commandCodec.decode(value);
  if (!command.sensorId || !command.alarmId) throw new PoisonMessageError('command without a sensor or alarm id');
  return { command } as Decoded;
}

/** Thrown inside a batch when its partition was revoked: the batch ends without resolving more offsets. */
class PartitionRevokedError extends Error {
  override readonly name = 'PartitionRevokedError';
}

export interface ProcessorDeps {
  consumer: Consumer;
  producer: Producer;
  store: StreakStore;
  /** the rule set until a version is read from the rules topic */
  rules: readonly AlarmRule[];
  /** when given, the rule set follows this topic (needs `kafka`) */
  rulesTopic?: string;
  kafka?: Kafka;
  readingsTopic: string;
  deadLetterTopic: string;
  groupId: string;
  chunkSize: number;
  /** partitions of the readings topic */
  partitions: number;
  retryMaxMs: number;
  /** period of the silence sweep, ms */
  silenceSweepMs?: number;
  /** wall clock of the silence sweep (tests move it) */
  clock?: () => number;
  metrics: ProcessorMetrics;
  logger: Logger;
}

export function createProcessor(deps: ProcessorDeps) {
  const { consumer, store, logger, metrics } = deps;
  let book: RuleBook = createRuleBook(deps.rules);
  let subscription: RuleSetSubscription | undefined;
  const clock = deps.clock ?? Date.now;
  /** partitions whose last batch left messages behind: their sensors may only look silent */
  const lagging = new Set<number>();
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  const ownership: PartitionOwnership = createPartitionOwnership();
  const stopTracking = trackOwnership(consumer, deps.readingsTopic, ownership);

  // the saver decodes with the same decodeReading: what one counts the other stores
  const deadLetters: DeadLetterTarget = { ...deps, counter: metrics.deadLettered };

  async function handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const partition = batch.partition;
    const owned = ownership.lease(partition);
    const keepGoing = () => isRunning() && !isStale() && owned();
    // A heartbeat that says the group is rebalancing (or has evicted us) ends the lease of every
    // partition at once, and is rethrown at the end of the batch so kafkajs rejoins without delay.
    let revokedBy: unknown;
    const beat = async () => {
      try {
        await heartbeat();
      } catch (err) {
        if (meansPartitionsRevoked(err)) {
          revokedBy = err;
          ownership.lostAll();
        }
        throw err;
      }
    };
    const retry = <T>(what: string, op: () => Promise<T>) =>
      retryUntilDone(
        () => {
          if (!keepGoing()) throw new PartitionRevokedError(`partition ${partition} is no longer ours`);
          return op();
        },
        {
          maxMs: deps.retryMaxMs,
          shouldContinue: keepGoing,
          isRetryable: (err) => !(err instanceof PartitionRevokedError),
          heartbeat: beat,
          onRetry: (err, attempt, waitMs) => {
            metrics.retries.inc({ operation: what });
            logger.warn({ err: (err as Error).message, what, partition, attempt, waitMs }, 'retrying');
          },
        },
      );
    const drain = () => retry('drain outbox', () => store.drainOutbox(partition, keepGoing));

    try {
      await drain();
      for (let start = 0; start < batch.messages.length; start += deps.chunkSize) {
        if (!keepGoing()) break;
        const messages = batch.messages.slice(start, start + deps.chunkSize);
        const lastOffset = messages[messages.length - 1].offset;
        const decoded = await decodeOrDeadLetter(
          { topic: batch.topic, partition, messages },
          decodeMessage,
          deadLetters,
          (send) => retry('dead letter', send),
        );
        const items = decoded.map(({ message, value }) => ({ offset: message.offset, ...value }) as ChunkItem);
        const rules = book;
        const applied = await retry('apply readings', () => store.apply(partition, items, lastOffset, rules));
        // Not only when this run raised events: a run whose first reply was lost raises none on the
        // re-run, yet left its events in the outbox. Nothing is committed while they sit there.
        if (applied.pending > 0) await drain();
        if (!keepGoing()) break;
        metrics.readingsProcessed.inc(messages.length);
        metrics.warnings.inc(applied.warnings);
        metrics.eventsRaised.inc(applied.raised);
        metrics.alarmTransitions.inc(applied.transitions);
        resolveOffset(lastOffset);
        await commitOffsetsIfNecessary();
        await beat();
      }
    } catch (err) {
      if (revokedBy) throw revokedBy;
      // revoked or stopping: the offsets not resolved are the next owner's to process
      if (err instanceof PartitionRevokedError || !keepGoing()) return;
      throw err;
    }
    if (revokedBy) throw revokedBy;
    const lag = Number(batch.offsetLag());
    if (lag > 0) lagging.add(partition);
    else lagging.delete(partition);
    metrics.lag.set({ partition: String(partition) }, lag);
  }

  /** Raises due silence alarms in the partitions owned and caught up, then sends them. */
  async function sweep(): Promise<void> {
    const rules = book;
    if (rules.silenceRules.length === 0) return;
    for (const partition of ownership.owned()) {
      if (lagging.has(partition)) continue;
      const owned = ownership.lease(partition);
      try {
        const raised = await store.sweepSilence(partition, rules, clock());
        metrics.alarmTransitions.inc(raised);
        if (raised > 0) await store.drainOutbox(partition, owned);
      } catch (err) {
        // the next sweep tries again; a batch of the partition drains what this one left
        logger.warn({ err: (err as Error).message, partition }, 'silence sweep failed');
      }
    }
  }

  return {
    /** the rule set in force */
    ruleBook: () => book,
    /** one silence sweep now (tests; the timer runs them every silenceSweepMs) */
    sweepNow: () => (sweeping ??= sweep().finally(() => (sweeping = undefined))),
    // Safe to call again after a failure (main.ts retries it while Kafka does not answer).
    async start(): Promise<void> {
      if (deps.rulesTopic && deps.kafka && !subscription) {
        subscription = await subscribeRuleSets({
          kafka: deps.kafka,
          topic: deps.rulesTopic,
          groupPrefix: deps.groupId,
          logger,
          current: () => book,
          apply: (next) => {
            book = next;
            metrics.ruleSetVersion.set(next.version);
          },
        });
      }
      await subscription?.ready;
      const period = deps.silenceSweepMs ?? 5000;
      sweepTimer ??= setInterval(() => {
        sweeping ??= sweep().finally(() => (sweeping = undefined));
      }, period);
      sweepTimer.unref();
      await consumer.subscribe({ topics: [deps.readingsTopic], fromBeginning: true });
      await consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        // every partition of a fetch at once: their Redis round trips overlap
        partitionsConsumedConcurrently: deps.partitions,
        eachBatch: handleBatch,
      });
    },
    async stop(): Promise<void> {
      clearInterval(sweepTimer);
      await sweeping;
      // at once: the rules consumer commits nothing, the readings consumer must finish and commit
      await Promise.all([consumer.disconnect(), subscription?.stop()]);
      stopTracking();
    },
  };
}

/** The processor as its main.ts builds it: every setting from the configuration. */
export function createProcessorFromConfig(
  config: Config,
  clients: Pick<ProcessorDeps, 'consumer' | 'producer' | 'metrics' | 'logger' | 'kafka' | 'clock'> & {
    redis: RedisClient;
  },
) {
  const { redis, ...rest } = clients;
  return createProcessor({
    ...rest,
    store: createStreakStore({
      redis,
      producer: clients.producer,
      keyPrefix: config.redis.keyPrefix,
      readingsTopic: config.kafka.readingsTopic,
      eventsTopic: config.kafka.eventsTopic,
      alarmsTopic: config.kafka.alarmsTopic,
      dedupWindowMs: config.processor.dedupWindowMs,
      waitReplicas: redisWaitReplicas(config),
      waitTimeoutMs: config.processor.redisWaitTimeoutMs,
    }),
    rules: config.processor.rules,
    rulesTopic: config.kafka.rulesTopic,
    silenceSweepMs: config.processor.silenceSweepMs,
    readingsTopic: config.kafka.readingsTopic,
    deadLetterTopic: config.kafka.deadLetterTopic,
    groupId: config.processor.groupId,
    chunkSize: config.processor.scriptChunk,
    partitions: config.kafka.partitions,
    retryMaxMs: config.processor.retryMaxMs,
  });
}
