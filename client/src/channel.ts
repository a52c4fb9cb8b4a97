// One stream of entries to the receiver (the readings, or the log lines): the bounded buffer, the
// decision when to send a batch (count, bytes or time), at most `concurrency` batches in flight, the
// overflow policy, flush() and the drain on close. What a batch's delivery does (HTTP, retries,
// counters, events) is the `deliver` callback's.
import { BoundedBuffer, type FlushPolicy, flushDecision, type SizedEntry } from './bounded-buffer';

export interface Entry extends SizedEntry {
  /** the entry's JSON in a request body */
  readonly json: string;
  /** the request path it goes to (log lines go to their sensor's path) */
  readonly route: string;
  /** performance.now() when recorded */
  readonly queuedAt: number;
  /** order of the push (flush() waits for the entries pushed before it) */
  readonly seq: number;
}

export type Overflow = 'drop-oldest' | 'block';

export interface ChannelOptions extends FlushPolicy {
  maxBufferedReadings: number;
  maxBufferedBytes: number;
  overflow: Overflow;
}

export type DropReason = 'overflow' | 'close';

export interface ChannelHooks {
  /** sends one request's entries (all of one route); resolves once they are settled, whatever the outcome */
  deliver(route: string, entries: Entry[], signal: AbortSignal): Promise<void>;
  /** entries that never reached a request */
  dropped(entries: Entry[], reason: DropReason): void;
}

interface Waiter {
  entry: Entry;
  resolve(): void;
}

export class Channel {
  private readonly buffer: BoundedBuffer<Entry>;
  private readonly waiters: Waiter[] = [];
  private readonly inFlight = new Map<number, number>(); // batch number → its lowest seq
  private readonly flushes: { upTo: number; resolve(): void }[] = [];
  private readonly abort = new AbortController();
  private nextSeq = 0;
  private nextBatch = 0;
  private forcedUpTo = -1;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private closing = false;

  constructor(
    private readonly options: ChannelOptions,
    private readonly hooks: ChannelHooks,
  ) {
    this.buffer = new BoundedBuffer({ maxReadings: options.maxBufferedReadings, maxBytes: options.maxBufferedBytes });
  }

  /** readings (or lines) waiting or in flight */
  get buffered(): number {
    return this.buffer.totalReadings + this.waiters.reduce((n, w) => n + w.entry.readings, 0);
  }

  get bufferedBytes(): number {
    return this.buffer.totalBytes;
  }

  get batchesInFlight(): number {
    return this.inFlight.size;
  }

  /**
   * Adds an entry. Full buffer: 'drop-oldest' drops waiting entries to make room (or the new one when
   * the batches in flight alone fill it); 'block' returns a promise that resolves once the entry is in
   * (entries keep their order). `mayBlock: false` applies 'drop-oldest' whatever the policy.
   */
  push(json: string, readings: number, bytes: number, route: string, mayBlock = true): Promise<void> | undefined {
    if (this.closing) throw new Error('the client is closed');
    const entry: Entry = { json, readings, bytes, route, queuedAt: performance.now(), seq: this.nextSeq++ };
    if (this.buffer.tooLarge(entry)) {
      throw new RangeError(`an entry of ${bytes} bytes cannot fit in a buffer of ${this.options.maxBufferedBytes}`);
    }
    if (this.options.overflow === 'block' && mayBlock && (this.waiters.length > 0 || !this.buffer.fits(entry))) {
      return new Promise<void>((resolve) => this.waiters.push({ entry, resolve }));
    }
    if (!this.buffer.fits(entry)) {
      const dropped = this.buffer.dropOldestFor(entry);
      const fits = this.buffer.fits(entry);
      if (!fits) dropped.push(entry);
      if (dropped.length) this.hooks.dropped(dropped, 'overflow');
      if (!fits) {
        this.settled();
        return undefined;
      }
    }
    this.add(entry);
    return undefined;
  }

  /** Sends everything pushed so far now; resolves when all of it is settled (sent, refused or dropped). */
  flush(): Promise<void> {
    const upTo = this.nextSeq - 1;
    this.forcedUpTo = upTo;
    const done = new Promise<void>((resolve) => this.flushes.push({ upTo, resolve }));
    this.schedule();
    this.settled();
    return done;
  }

  /**
   * Stops taking entries, sends what is buffered and waits for it until `deadline` (Date.now() ms);
   * then aborts the retries and drops what is left.
   */
  async close(deadline: number): Promise<void> {
    const drained = this.flush();
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    });
    await Promise.race([drained, timedOut]);
    clearTimeout(timer);
    this.abort.abort();
    const waiting = this.waiters.splice(0);
    const rest = [...this.buffer.clear(), ...waiting.map((w) => w.entry)];
    if (rest.length) this.hooks.dropped(rest, 'close');
    // a record() that waited for room resolves: its entry is counted as dropped
    for (const w of waiting) w.resolve();
    this.settled();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // the aborted deliveries settle at once
    await drained;
  }

  private add(entry: Entry): void {
    const wasEmpty = this.buffer.length === 0;
    this.buffer.push(entry);
    if (
      wasEmpty ||
      (this.inFlight.size < this.options.concurrency &&
        (this.buffer.pendingReadings >= this.options.maxItems ||
          this.buffer.pendingBytes >= this.options.maxBatchBytes))
    ) {
      this.schedule();
    }
  }

  /** Sends the batches that are due, and sets the timer for the next one. */
  private schedule(): void {
    for (;;) {
      const oldest = this.buffer.oldest();
      const decision = flushDecision(
        {
          pendingReadings: this.buffer.pendingReadings,
          pendingBytes: this.buffer.pendingBytes,
          oldestAgeMs: oldest ? performance.now() - oldest.queuedAt : undefined,
          inFlight: this.inFlight.size,
          forced: this.closing || (oldest !== undefined && oldest.seq <= this.forcedUpTo),
        },
        this.options,
      );
      if (decision.action === 'send') {
        this.dispatch();
        continue;
      }
      if (decision.action === 'wait') this.wakeAt(performance.now() + decision.ms);
      return;
    }
  }

  private wakeAt(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.schedule();
      },
      Math.max(1, Math.ceil(at - performance.now())),
    );
  }

  private dispatch(): void {
    const batch = this.buffer.take({ maxItems: this.options.maxItems, maxBytes: this.options.maxBatchBytes });
    const id = this.nextBatch++;
    this.inFlight.set(id, batch[0].seq);
    void this.deliverAll(batch).finally(() => {
      this.inFlight.delete(id);
      this.buffer.release(batch);
      this.admitWaiters();
      this.settled();
      this.schedule();
    });
  }

  /** One request per route, in order of first appearance (log lines of several sensors). */
  private async deliverAll(batch: Entry[]): Promise<void> {
    const routes = new Map<string, Entry[]>();
    for (const e of batch) {
      const group = routes.get(e.route);
      if (group) group.push(e);
      else routes.set(e.route, [e]);
    }
    for (const [route, entries] of routes) {
      try {
        await this.hooks.deliver(route, entries, this.abort.signal);
      } catch {
        // deliver settles its entries itself; an exception must not stall the channel
      }
    }
  }

  private admitWaiters(): void {
    while (this.waiters.length > 0 && this.buffer.fits(this.waiters[0].entry)) {
      const w = this.waiters.shift() as Waiter;
      this.add(w.entry);
      w.resolve();
    }
  }

  /** Resolves the flushes whose entries are all settled. */
  private settled(): void {
    if (this.flushes.length === 0) return;
    let lowest = this.nextSeq;
    for (const seq of this.inFlight.values()) lowest = Math.min(lowest, seq);
    const oldest = this.buffer.oldest();
    if (oldest) lowest = Math.min(lowest, oldest.seq);
    if (this.waiters.length) lowest = Math.min(lowest, this.waiters[0].entry.seq);
    for (let i = this.flushes.length - 1; i >= 0; i--) {
      if (this.flushes[i].upTo < lowest) {
        this.flushes[i].resolve();
        this.flushes.splice(i, 1);
      }
    }
  }
}
