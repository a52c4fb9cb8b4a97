// The fault suite's load: many sensors posting concurrently, each its own sequence of temperatures in
// order. Every reading carries a client id, and a request that is not answered 200 (503 while Kafka
// restarts, a refused connection) is retried with the same body until it is: what a well-behaved
// sensor does, and what makes "accepted" exact (a reading is accepted when some attempt got 200).
import { seededRandom } from '../../tester/src/seeded-random';

export interface AcceptedReading {
  sensorId: string;
  seq: number;
  value: number;
  /** the reading id the receiver derives from the client id */
  id: string;
}

export interface LoadResult {
  accepted: AcceptedReading[];
  attempts: number;
  statuses: Record<string, number>;
}

export interface LoadOptions {
  receiverUrl: string;
  sensors: string[];
  /** ms between a sensor's readings */
  intervalMs: number;
  /** false: stop starting new readings (the one in progress is retried until accepted) */
  keepGoing: () => boolean;
  /** give up retrying at this time */
  hardDeadline: number;
  seed: number;
}

export function readingIdFor(sensorId: string, seq: number): string {
  return `c/${sensorId}/seq-${seq}/temperature`;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const random = seededRandom(options.seed);
  const statuses: Record<string, number> = {};
  const accepted: AcceptedReading[] = [];
  let attempts = 0;

  const postUntilAccepted = async (sensorId: string, seq: number, value: number): Promise<boolean> => {
    const body = JSON.stringify({ id: `seq-${seq}`, temperature: value });
    for (let attempt = 0; Date.now() < options.hardDeadline; attempt++) {
      attempts++;
      let status = 'network-error';
      try {
        const res = await fetch(`${options.receiverUrl}/api/v1/sensors/${sensorId}/measurements`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
          signal: AbortSignal.timeout(15000),
        });
        status = String(res.status);
        await res.arrayBuffer();
      } catch {
        // connection refused or reset: retried like a 503
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === '200') return true;
      if (status.startsWith('4') && status !== '429') throw new Error(`reading refused with ${status}: ${body}`);
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
    }
    return false;
  };

  await Promise.all(
    options.sensors.map(async (sensorId) => {
      // runs of warnings long and short, so events are raised, skipped and reset under the faults
      for (let seq = 0; options.keepGoing(); seq++) {
        const value = random() < 0.6 ? 95 + Math.round(random() * 100) / 10 : 20 + Math.round(random() * 600) / 10;
        if (!(await postUntilAccepted(sensorId, seq, value))) return;
        accepted.push({ sensorId, seq, value, id: readingIdFor(sensorId, seq) });
        await new Promise((r) => setTimeout(r, options.intervalMs));
      }
    }),
  );
  return { accepted, attempts, statuses };
}
