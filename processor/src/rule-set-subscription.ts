// Rule sets at runtime: every processor instance reads the whole compacted rules topic (key "rules",
// one partition) with a consumer of its own (a group id unique to the instance, offsets never
// committed, so Kafka forgets the group when it leaves) and applies the newest valid version it has
// read. Until a version is read, the configuration's rules apply (CONTRACT.md "Rules API").
// `ready` resolves once the topic was read up to its end as it stood at start, so a processor that
// restarts never applies readings with the configuration's rules while a stored version exists.
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { type Logger, retryUntilDone, ruleSetCodec } from '../../shared/src';
import { parseRuleSet } from '../../shared/src/rule-set';
import { createRuleBook, type RuleBook } from './rule-book';

const STOP_BOUND_MS = 3000;

export interface RuleSetSubscription {
  ready: Promise<void>;
  stop(): Promise<void>;
}

export async function subscribeRuleSets(deps: {
  kafka: Kafka;
  topic: string;
  groupPrefix: string;
  logger: Logger;
  current: () => RuleBook;
  apply: (book: RuleBook) => void;
  /** how long `ready` waits for the topic's end before going on with what it has */
  readyTimeoutMs?: number;
}): Promise<RuleSetSubscription> {
  const { kafka, topic, logger } = deps;
  const admin = kafka.admin();
  await admin.connect();
  let end: bigint;
  try {
    // Right after the topic is created its leader may not be elected yet ("not the leader"): kafkajs
    // marks such errors retriable, and the admin call does not retry them itself.
    const deadline = Date.now() + (deps.readyTimeoutMs ?? 10_000);
    const [p] = await retryUntilDone(() => admin.fetchTopicOffsets(topic), {
      maxMs: 1000,
      isRetryable: (err) => (err as { retriable?: boolean }).retriable === true,
      shouldContinue: () => Date.now() < deadline,
      onRetry: (err) => logger.warn({ err: (err as Error).message, topic }, 'retrying the rules topic offsets'),
    });
    end = BigInt(p?.high ?? '0');
  } finally {
    await admin.disconnect();
  }
  // ready: joined (so a version produced from now on is read at once) and read to the end
  let joined = false;
  let caughtUp = end === 0n;
  let resolveReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  const markReady = (force = false) => {
    if (force || (joined && caughtUp)) resolveReady();
  };
  const timer = setTimeout(() => {
    logger.warn({ topic }, 'rules topic not read to its end in time: going on with the rules known');
    markReady(true);
  }, deps.readyTimeoutMs ?? 30_000);
  void ready.then(() => clearTimeout(timer));

  const consumer = kafka.consumer({
    groupId: `${deps.groupPrefix}-rules-${randomUUID()}`,
    // a version must reach every instance fast: do not wait long on an empty fetch
    maxWaitTimeInMs: 500,
  });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
    markReady();
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      try {
        if (message.value) {
          const m = ruleSetCodec.decode(message.value);
          if (m.version > deps.current().version) {
            deps.apply(createRuleBook(parseRuleSet(m.rules), m.version));
            logger.info({ version: m.version }, 'rule set applied');
          }
        }
      } catch (err) {
        // a version no processor can use is refused whole: the one in force stays
        logger.error({ err: (err as Error).message, offset: message.offset }, 'rule set refused');
      }
      if (BigInt(message.offset) + 1n >= end) {
        caughtUp = true;
        markReady();
      }
    },
  });
  return {
    ready,
    async stop() {
      clearTimeout(timer);
      // A kafkajs consumer restarting after a crash (a Kafka restart) may not finish disconnecting
      // (kafkajs#1147); this one commits nothing, so it is let go after a bound rather than holding
      // up the shutdown past its deadline.
      let bound: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        consumer.disconnect().then(() => false),
        new Promise<boolean>((resolve) => {
          bound = setTimeout(() => resolve(true), STOP_BOUND_MS);
        }),
      ]);
      clearTimeout(bound);
      if (timedOut) logger.warn({ topic }, 'rules consumer did not disconnect in time: left behind');
    },
  };
}
