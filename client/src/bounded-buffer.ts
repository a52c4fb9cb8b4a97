// The client's bounded buffer: entries (one record call or one log line each) waiting to be sent, and
// the amounts taken out in batches that are not settled yet (in flight or retrying), all within a
// bound in readings and in bytes. What to do when full is the caller's policy (drop the oldest, as
// Telegraf's metric buffer does, or wait); this module only says what fits and does the dropping.
// Pure: no timers, no I/O.

export interface SizedEntry {
  /** readings (metric values) or log lines the entry holds */
  readonly readings: number;
  /** bytes of its JSON in a request body, the separating comma included */
  readonly bytes: number;
}

export interface BufferLimits {
  maxReadings: number;
  maxBytes: number;
}

export interface BatchLimits {
  /** readings (or lines) per batch */
  maxItems: number;
  /** JSON bytes per batch */
  maxBytes: number;
}

export class BoundedBuffer<T extends SizedEntry> {
  private entries: (T | undefined)[] = [];
  private head = 0;
  /** readings and bytes waiting */
  pendingReadings = 0;
  pendingBytes = 0;
  /** readings and bytes taken out in batches not settled yet */
  heldReadings = 0;
  heldBytes = 0;

  constructor(readonly limits: BufferLimits) {}

  get length(): number {
    return this.entries.length - this.head;
  }

  get totalReadings(): number {
    return this.pendingReadings + this.heldReadings;
  }

  get totalBytes(): number {
    return this.pendingBytes + this.heldBytes;
  }

  /** The entry could never fit, even in an empty buffer. */
  tooLarge(entry: SizedEntry): boolean {
    return entry.readings > this.limits.maxReadings || entry.bytes > this.limits.maxBytes;
  }

  /** There is room for `entry` now. */
  fits(entry: SizedEntry): boolean {
    return (
      this.totalReadings + entry.readings <= this.limits.maxReadings &&
      this.totalBytes + entry.bytes <= this.limits.maxBytes
    );
  }

  push(entry: T): void {
    this.entries.push(entry);
    this.pendingReadings += entry.readings;
    this.pendingBytes += entry.bytes;
  }

  /**
   * Drops waiting entries, oldest first, until `entry` fits; returns them. Entries in flight cannot be
   * dropped: when they alone leave no room, `fits(entry)` is still false afterwards.
   */
  dropOldestFor(entry: SizedEntry): T[] {
    const dropped: T[] = [];
    while (!this.fits(entry) && this.length > 0) {
      const oldest = this.shift();
      if (oldest) dropped.push(oldest);
    }
    return dropped;
  }

  oldest(): T | undefined {
    return this.entries[this.head];
  }

  /**
   * Takes a batch from the head: entries while the batch stays within `limits`, and always at least
   * one. Its amounts stay counted (held) until `release`.
   */
  take(limits: BatchLimits): T[] {
    const batch: T[] = [];
    let readings = 0;
    let bytes = 0;
    while (this.length > 0) {
      const next = this.entries[this.head] as T;
      if (batch.length > 0 && (readings + next.readings > limits.maxItems || bytes + next.bytes > limits.maxBytes)) {
        break;
      }
      this.shift();
      batch.push(next);
      readings += next.readings;
      bytes += next.bytes;
    }
    this.heldReadings += readings;
    this.heldBytes += bytes;
    return batch;
  }

  /** A taken batch settled (sent, refused or given up): its room is free again. */
  release(entries: readonly SizedEntry[]): void {
    for (const e of entries) {
      this.heldReadings -= e.readings;
      this.heldBytes -= e.bytes;
    }
  }

  /** Removes every waiting entry (closing after the drain deadline); returns them. */
  clear(): T[] {
    const rest: T[] = [];
    while (this.length > 0) rest.push(this.shift() as T);
    return rest;
  }

  private shift(): T | undefined {
    if (this.length === 0) return undefined;
    const entry = this.entries[this.head];
    this.entries[this.head] = undefined;
    this.head += 1;
    // compact now and then, so a long-lived queue does not keep a growing array of holes
    if (this.head >= 1024 && this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    if (entry) {
      this.pendingReadings -= entry.readings;
      this.pendingBytes -= entry.bytes;
    }
    return entry;
  }
}

export interface FlushState {
  pendingReadings: number;
  pendingBytes: number;
  /** age of the oldest waiting entry; undefined when none waits */
  oldestAgeMs: number | undefined;
  /** batches being sent or retried */
  inFlight: number;
  /** flush() or close() asked for everything now */
  forced: boolean;
}

export interface FlushPolicy {
  maxItems: number;
  maxBatchBytes: number;
  maxWaitMs: number;
  concurrency: number;
}

export type FlushDecision = { action: 'send' } | { action: 'wait'; ms: number } | { action: 'idle' };

/**
 * Whether to send a batch now: when a full batch waits (count or bytes), when the oldest entry has
 * waited maxWaitMs, or when forced; never beyond `concurrency` batches in flight (the decision is
 * taken again when one settles). Otherwise how long until the oldest entry's time is up. Pure.
 */
export function flushDecision(state: FlushState, policy: FlushPolicy): FlushDecision {
  if (state.oldestAgeMs === undefined) return { action: 'idle' };
  if (state.inFlight >= policy.concurrency) return { action: 'idle' };
  if (
    state.forced ||
    state.pendingReadings >= policy.maxItems ||
    state.pendingBytes >= policy.maxBatchBytes ||
    state.oldestAgeMs >= policy.maxWaitMs
  ) {
    return { action: 'send' };
  }
  return { action: 'wait', ms: policy.maxWaitMs - state.oldestAgeMs };
}
