// The real Alertmanager of the integration tests: ALERTMANAGER_URL when given, else the local one of
// infra/alertmanager.sh (Debian's package on 127.0.0.1:9193, started when missing and left running,
// like the local Kafka broker). Alerts are read back from its own API.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const repo = path.resolve(__dirname, '..');

export function provideAlertmanager(): string {
  if (process.env.ALERTMANAGER_URL) return process.env.ALERTMANAGER_URL;
  const script = path.join(repo, 'infra', 'alertmanager.sh');
  execFileSync(script, ['start'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return execFileSync(script, ['url'], { encoding: 'utf8' }).trim();
}

/** An alert as GET /api/v2/alerts lists it (gettableAlert). */
export interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  generatorURL?: string;
  fingerprint: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
}

/** The alerts Alertmanager holds of a sensor and has not resolved (its API leaves resolved ones out). */
export async function alertsOf(alertmanagerUrl: string, sensorId: string): Promise<GettableAlert[]> {
  const filter = encodeURIComponent(`sensorId="${sensorId}"`);
  const response = await fetch(`${alertmanagerUrl}/api/v2/alerts?filter=${filter}`);
  if (!response.ok) throw new Error(`Alertmanager answered ${response.status}`);
  return (await response.json()) as GettableAlert[];
}
