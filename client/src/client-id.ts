// Client ids: what makes a retry idempotent. Each reading (record call) and log line gets
// `<epoch>-<sequence>` at the moment it is recorded, and keeps it through every retry, so the receiver
// derives the same reading id (c/<sensor>/<client id>/<metric>) from every copy. The epoch tells this
// client instance from every other one (another process, the same program restarted): its start time
// plus random bits, for two processes started in the same millisecond. Characters stay within the
// contract's id set (A-Z a-z 0-9 . _ : -), lengths far below its 128.

/** The contract's character set and length of a client id (the same as sensor ids). */
export const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface IdSource {
  /** the per-instance part shared by every id this source gives */
  readonly epoch: string;
  next(): string;
}

/** A fresh epoch: start time in base 36 and 20 random bits, e.g. `m1x2y3z4-0a1b2`. */
export function newEpoch(nowMs: number = Date.now(), random: () => number = Math.random): string {
  const bits = Math.floor(random() * 0x100000)
    .toString(36)
    .padStart(4, '0');
  return `${Math.floor(nowMs).toString(36)}${bits}`;
}

/**
 * Ids `<epoch>-<n>` with n counting from 0 in base 36. `epoch` may be given (for instance restored by a
 * caller that persists it), else a fresh one is drawn.
 */
export function createIdSource(epoch: string = newEpoch()): IdSource {
  // the id adds "-" and the sequence: keep room for a sequence of 2^53 (11 base-36 digits)
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(epoch)) {
    throw new RangeError('client id epoch must be 1-100 characters of A-Z a-z 0-9 . _ : -');
  }
  let sequence = 0;
  return {
    epoch,
    next: () => `${epoch}-${(sequence++).toString(36)}`,
  };
}
