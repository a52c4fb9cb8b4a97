// The dedup set's member for a reading: only readings with a client id need one (a server-assigned id
// is unique, and a replay of Kafka offsets is caught by the partition's progress instead). Pure.
//
// The member is the first 12 bytes of the SHA-1 of the reading id rather than the id itself
// (`c/<sensor>/<client id>/<metric>`, often 40 to 100 bytes), which keeps each entry in the smallest
// allocation Redis can give it. 96 bits: the chance that two of a partition's client-id readings in
// one window collide (one would then not count) is about n²/2^97, below 1e-17 for a million.
import { createHash } from 'node:crypto';

export const DEDUP_MEMBER_BYTES = 12;

/** Reading ids derived from a client id start so (receiver/src/reading-ids.ts). */
export const CLIENT_ID_PREFIX = 'c/';

/** The member for a reading with a client id, undefined for any other. */
export function dedupMember(readingId: string): Buffer | undefined {
  if (!readingId.startsWith(CLIENT_ID_PREFIX)) return undefined;
  return createHash('sha1').update(readingId).digest().subarray(0, DEDUP_MEMBER_BYTES);
}
