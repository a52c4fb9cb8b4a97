// The fault suite's load: many sensors posting concurrently to two receivers (each request picks one:
// there is no balancer), each sensor its own sequence of temperatures. Every reading carries a client
// id, and requests hold one to four readings of their sensor (the batch endpoint, or the compat one
// for a single reading). Half the sensors are impatient: their first attempts give up after a few
// milliseconds, so a request often times out on the client while it completes on the server. What a
// sensor does then is what a real one does, and exactly the retries of issue 8's defect 1:
//  - re-sends the same batch at once, often through the other receiver;
//  - or sends its next readings first and re-sends the batch after them (out of order);
//  - now and then re-sends a batch that was answered 200 (it could not know), at once or later;
//  - rarely gives up on a batch that timed out twice (never answered: it may or may not be stored).
// A batch answered 503/429 or refused at the connection is retried until answered 200. "Accepted" is
// exact: a reading is accepted when some copy of it was answered 200; one never accepted may be
// stored only if the client could not know (a timeout, a cut connection, the 503 saying "some of
// them may have been written").
import { createClient } from '../../client/src';
import { seededRandom } from '../../tester/src/seeded-random';

export interface SentReading {
  sensorId: string;
  seq: number;
  value: number;
  /** the reading id the receiver derives from the client id */
  id: string;
  /**
   * accepted: some copy answered 200; unanswered: never 200, some copy timed out or failed on the
   * client, or got the 503 that says some readings may have been written (it may be stored);
   * refused: every copy was answered with an error that says nothing was written
   */
  outcome: 'accepted' | 'unanswered' | 'refused';
}

export interface LoadResult {
  readings: SentReading[];
  /** HTTP requests sent */
  attempts: number;
  /** attempts by outcome: HTTP status ('503-maybe-written': the 503 saying some may be written), 'timeout' (the client gave up) or 'network-error' */
  statuses: Record<string, number>;
  retries: {
    /** a batch re-sent at once after a timeout or an error */
    sameBatchAgain: number;
    /** a batch re-sent after later readings of its sensor had been sent */
    afterLaterRequest: number;
    /** a re-send through another receiver than the previous attempt */
    throughOtherReceiver: number;
    /** a batch already answered 200 sent again */
    acceptedResent: number;
    /** batches answered 200 more than once */
    answered200Twice: number;
    /** batches given up after timeouts or errors, never answered 200 */
    abandoned: number;
  };
}

export interface LoadOptions {
  receiverUrls: string[];
  sensors: string[];
  /** ms between a sensor's requests */
  intervalMs: number;
  /** false: stop starting new batches (pending ones are then settled) */
  keepGoing: () => boolean;
  /** give up retrying at this time */
  hardDeadline: number;
  seed: number;
}

export function readingIdFor(sensorId: string, seq: number): string {
  return `c/${sensorId}/seq-${seq}/temperature`;
}

interface Batch {
  sensorId: string;
  readings: Array<{ seq: number; value: number; at: string }>;
  compat: boolean;
  /** timeouts and client-side errors so far: impatient attempts stop being impatient after a few */
  failures: number;
  answered200: number;
  outcomes: string[];
  /** gives up after two client-side failures (decided when the batch is made) */
  mayAbandon: boolean;
  abandoned: boolean;
}

const PATIENT_TIMEOUT_MS = 15_000;
/** Attempts after which the client cannot know whether its readings were written. */
const UNKNOWN_OUTCOMES = new Set(['timeout', 'network-error', '503-maybe-written']);
const IMPATIENT_ATTEMPTS = 3;

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const statuses: Record<string, number> = {};
  const batches: Batch[] = [];
  const retries: LoadResult['retries'] = {
    sameBatchAgain: 0,
    afterLaterRequest: 0,
    throughOtherReceiver: 0,
    acceptedResent: 0,
    answered200Twice: 0,
    abandoned: 0,
  };
  let attempts = 0;
  // the client library's one-off requests (gzip, keep-alive, the client's transport), none of its batching
  const client = createClient({ url: options.receiverUrls });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const bodyOf = (batch: Batch): { url: string; body: string } => {
    const item = (r: Batch['readings'][number]) => ({ id: `seq-${r.seq}`, temperature: r.value, at: r.at });
    return batch.compat
      ? {
          url: `/api/v1/sensors/${encodeURIComponent(batch.sensorId)}/measurements`,
          body: JSON.stringify(item(batch.readings[0])),
        }
      : {
          url: '/api/v1/measurements',
          body: JSON.stringify(batch.readings.map((r) => ({ sensorId: batch.sensorId, ...item(r) }))),
        };
  };

  /** One attempt through one receiver; returns the HTTP status, 'timeout' or 'network-error'. */
  const send = async (batch: Batch, receiver: number, timeoutMs: number): Promise<string> => {
    attempts++;
    const { url, body } = bodyOf(batch);
    // one attempt, its own timeout, the receiver this sensor picked: the load decides every re-send itself
    const res = await client.request('POST', url, {
      body,
      url: options.receiverUrls[receiver],
      retry: false,
      timeoutMs,
    });
    let status =
      res.status === undefined ? (res.error?.kind === 'timeout' ? 'timeout' : 'network-error') : String(res.status);
    // the contract's one exception to "an error wrote nothing": a 503 that says some may be written
    if (status === '503' && /may have been written/.test(res.text)) status = '503-maybe-written';
    statuses[status] = (statuses[status] ?? 0) + 1;
    batch.outcomes.push(status);
    if (status === '200') {
      batch.answered200++;
      if (batch.answered200 === 2) retries.answered200Twice++;
    } else if (status === 'timeout' || status === 'network-error') {
      batch.failures++;
    } else if (status.startsWith('4') && status !== '429') {
      throw new Error(`batch refused with ${status}: ${body}`);
    }
    return status;
  };

  await Promise.all(
    options.sensors.map(async (sensorId, index) => {
      // each sensor its own stream of decisions: the same seed replays them whatever the timing
      const random = seededRandom(options.seed * 1000 + index);
      const impatient = index % 2 === 0;
      const timeoutFor = (batch: Batch) =>
        impatient && batch.failures < IMPATIENT_ATTEMPTS ? 5 + Math.floor(random() * 60) : PATIENT_TIMEOUT_MS;
      let lastReceiver = Math.floor(random() * options.receiverUrls.length);
      /** a receiver at random; `resend`: the batch was sent before (counts a switch of receiver) */
      const pickReceiver = (resend: boolean): number => {
        const receiver = Math.floor(random() * options.receiverUrls.length);
        if (resend && receiver !== lastReceiver) retries.throughOtherReceiver++;
        lastReceiver = receiver;
        return receiver;
      };

      /** Re-sends until answered 200, or given up; stops at the first client-side failure when `once`. */
      const settle = async (batch: Batch, once: boolean): Promise<void> => {
        for (let attempt = 0; Date.now() < options.hardDeadline; attempt++) {
          if (attempt > 0) retries.sameBatchAgain++;
          const status = await send(batch, pickReceiver(batch.outcomes.length > 0), timeoutFor(batch));
          if (status === '200') return;
          if ((status === 'timeout' || status === 'network-error') && batch.mayAbandon && batch.failures >= 2) {
            batch.abandoned = true;
            retries.abandoned++;
            return;
          }
          if (once && (status === 'timeout' || status === 'network-error')) return;
          await sleep(status === 'timeout' ? 20 : Math.min(2000, 100 * 2 ** attempt));
        }
      };

      const pending: Batch[] = [];
      let seq = 0;
      while (options.keepGoing()) {
        if (pending.length > 0 && random() < 0.4) {
          // a batch that timed out earlier, re-sent after later ones (any of them: out of order)
          const [batch] = pending.splice(Math.floor(random() * pending.length), 1);
          retries.afterLaterRequest++;
          if (batch.answered200 > 0) {
            await send(batch, pickReceiver(true), timeoutFor(batch));
          } else {
            await settle(batch, true);
            if (batch.answered200 === 0 && !batch.abandoned) pending.push(batch);
          }
        } else {
          const size = 1 + Math.floor(random() * 4);
          const batch: Batch = {
            sensorId,
            readings: Array.from({ length: size }, () => ({
              seq: seq++,
              // runs of warnings long and short, so events are raised, skipped and reset under the faults
              value: random() < 0.6 ? 95 + Math.round(random() * 100) / 10 : 20 + Math.round(random() * 600) / 10,
              at: new Date().toISOString(),
            })),
            compat: size === 1 && random() < 0.5,
            failures: 0,
            answered200: 0,
            outcomes: [],
            mayAbandon: random() < 0.03,
            abandoned: false,
          };
          batches.push(batch);
          const deferRetry = random() < 0.5;
          await settle(batch, deferRetry);
          if (batch.answered200 === 0 && !batch.abandoned) {
            pending.push(batch);
          } else if (batch.answered200 > 0 && random() < 0.08) {
            // the client could not tell it was accepted: the same batch again, at once or later
            retries.acceptedResent++;
            if (random() < 0.5) {
              retries.sameBatchAgain++;
              await send(batch, pickReceiver(true), timeoutFor(batch));
            } else {
              pending.push(batch);
            }
          }
        }
        await sleep(options.intervalMs);
      }
      // the load is over: every batch still pending is settled, in a random order
      while (pending.length > 0) {
        const [batch] = pending.splice(Math.floor(random() * pending.length), 1);
        retries.afterLaterRequest++;
        if (batch.answered200 > 0) await send(batch, pickReceiver(true), timeoutFor(batch));
        else await settle(batch, false);
      }
    }),
  );

  const readings = batches.flatMap((batch) =>
    batch.readings.map((r): SentReading => ({
      sensorId: batch.sensorId,
      seq: r.seq,
      value: r.value,
      id: readingIdFor(batch.sensorId, r.seq),
      outcome:
        batch.answered200 > 0
          ? 'accepted'
          : batch.outcomes.some((o) => UNKNOWN_OUTCOMES.has(o))
            ? 'unanswered'
            : 'refused',
    })),
  );
  await client.close();
  return { readings, attempts, statuses, retries };
}
