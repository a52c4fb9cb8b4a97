// The notification targets of a configuration: Alertmanager (when ALERTMANAGER_URL is set) and each
// webhook URL, each with a name for logs and metrics and a consumer group of its own. A URL may hold a
// secret (user:password, a token in the path), so names, groups, logs and metric labels use a hash of
// it, and its user and password become an Authorization header (fetch refuses URLs that carry them).
// Pure.
import { createHash } from 'node:crypto';

export type TargetKind = 'alertmanager' | 'webhook';

export interface TargetSpec {
  kind: TargetKind;
  /** `alertmanager` or `webhook-<hash>`: safe to log and to use as a metric label */
  name: string;
  /** NOTIFIER_GROUP_ID-<kind>-<hash>: a new URL is a new target, with offsets of its own */
  groupId: string;
  /** where to POST, without user and password */
  url: string;
  /** Authorization header from the URL's user and password, if it had any */
  authorization?: string;
  /** host:port, for logs */
  host: string;
}

/** A short stable id of a URL (10 hex digits of its SHA-256): the same URL always gives the same group. */
export function urlHash(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 10);
}

function target(kind: TargetKind, raw: string, groupPrefix: string): TargetSpec {
  const hash = urlHash(raw);
  const url = new URL(raw);
  let authorization: string | undefined;
  if (url.username || url.password) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  if (kind === 'alertmanager') url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v2/alerts`;
  return {
    kind,
    name: kind === 'alertmanager' ? 'alertmanager' : `webhook-${hash}`,
    groupId: `${groupPrefix}-${kind}-${hash}`,
    url: url.toString(),
    ...(authorization ? { authorization } : {}),
    host: url.host,
  };
}

export function notificationTargets(settings: {
  groupId: string;
  alertmanagerUrl: string;
  webhookUrls: readonly string[];
}): TargetSpec[] {
  const targets: TargetSpec[] = [];
  const alertmanager = settings.alertmanagerUrl.trim();
  if (alertmanager) targets.push(target('alertmanager', alertmanager, settings.groupId));
  const webhooks = [...new Set(settings.webhookUrls.map((u) => u.trim()).filter(Boolean))];
  for (const url of webhooks) targets.push(target('webhook', url, settings.groupId));
  return targets;
}
