// Group commit: many concurrent callers' items written by one operation, each caller's promise settling
// when the write holding its items succeeds (or fails).
//  - receiver: kafkajs sends one produce request per send() and does not batch by itself, so awaiting
//    a send per HTTP request caps throughput at a few thousand per second; requests share sendBatch.
//  - saver: readings from several partitions' fetches share one PostgreSQL transaction.
//
// At most `concurrency` writes (default 1) are in flight: while they are, the next batch fills up, so
// batches grow with load and latency stays at one round trip plus `lingerMs`. A batch is written at once when it reaches
// `maxBatch` items. The items held (queued + in flight) are bounded: past `maxInFlight` a publish is
// refused at once (the receiver answers 429) instead of queueing without limit.
//
// With `timeoutMs`, a caller is not kept waiting longer: items still queued are taken out and never
// written (NotWrittenError: the receiver's 503 then means "nothing stored"); items already in the
// write in flight get UnconfirmedWriteError (may or may not be stored: a client that must not
// duplicate a reading sends its own `id`, which makes its retry idempotent).

export interface GroupCommitOptions<M> {
  write(items: M[]): Promise<void>;
  lingerMs: number;
  maxBatch: number;
  maxInFlight: number;
  timeoutMs?: number;
  /** writes in flight at once (1: the receiver's idempotent producer allows no more) */
  concurrency?: number;
}

export class OverloadedError extends Error {
  override readonly name = 'OverloadedError';
}
/** Timed out before its write started: certainly not written. */
export class NotWrittenError extends Error {
  override readonly name = 'NotWrittenError';
}
/** Timed out while its write was in flight: the outcome is unknown. */
export class UnconfirmedWriteError extends Error {
  override readonly name = 'UnconfirmedWriteError';
}

interface Pending<M> {
  items: M[];
  settled: boolean;
  resolve(): void;
  reject(err: unknown): void;
  timer?: NodeJS.Timeout;
}

export interface GroupCommit<M> {
  publish(items: M[]): Promise<void>;
  /** items queued or in flight */
  readonly held: number;
  /** resolves when everything published so far is settled */
  drain(): Promise<void>;
}

export function createGroupCommit<M>(options: GroupCommitOptions<M>): GroupCommit<M> {
  const queue: Pending<M>[] = [];
  let queued = 0;
  let inFlight = 0;
  const concurrency = options.concurrency ?? 1;
  let writing = 0;
  let lingerTimer: NodeJS.Timeout | undefined;
  let idleWaiters: Array<() => void> = [];

  const settle = (p: Pending<M>, err?: unknown) => {
    if (p.settled) return;
    p.settled = true;
    clearTimeout(p.timer);
    if (err === undefined) p.resolve();
    else p.reject(err);
  };

  const takeBatch = (): Pending<M>[] => {
    const batch: Pending<M>[] = [];
    let size = 0;
    while (queue.length && (batch.length === 0 || size + queue[0].items.length <= options.maxBatch)) {
      const next = queue.shift()!;
      size += next.items.length;
      batch.push(next);
    }
    queued -= size;
    inFlight += size;
    return batch;
  };

  const notifyIdle = () => {
    if (queued + inFlight > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  const flush = async () => {
    clearTimeout(lingerTimer);
    lingerTimer = undefined;
    if (writing >= concurrency || queue.length === 0) return;
    writing++;
    const batch = takeBatch();
    const items = batch.flatMap((p) => p.items);
    try {
      await options.write(items);
      for (const p of batch) settle(p);
    } catch (err) {
      for (const p of batch) settle(p, err);
    } finally {
      inFlight -= items.length;
      writing--;
    }
    if (queue.length) void flush();
    else notifyIdle();
  };

  const onTimeout = (p: Pending<M>) => {
    const index = queue.indexOf(p);
    if (index >= 0) {
      queue.splice(index, 1);
      queued -= p.items.length;
      settle(p, new NotWrittenError(`not written within ${options.timeoutMs} ms`));
      notifyIdle();
    } else {
      settle(p, new UnconfirmedWriteError(`write not confirmed within ${options.timeoutMs} ms`));
    }
  };

  return {
    publish(items) {
      if (items.length === 0) return Promise.resolve();
      if (queued + inFlight + items.length > options.maxInFlight && queued + inFlight > 0) {
        return Promise.reject(new OverloadedError(`more than ${options.maxInFlight} items waiting to be written`));
      }
      return new Promise<void>((resolve, reject) => {
        const pending: Pending<M> = { items, settled: false, resolve, reject };
        if (options.timeoutMs !== undefined) pending.timer = setTimeout(() => onTimeout(pending), options.timeoutMs);
        queue.push(pending);
        queued += items.length;
        if (writing >= concurrency) return; // a write in flight flushes this when it returns
        if (queued >= options.maxBatch || options.lingerMs === 0) void flush();
        else lingerTimer ??= setTimeout(() => void flush(), options.lingerMs);
      });
    },
    get held() {
      return queued + inFlight;
    },
    drain() {
      if (queued + inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
