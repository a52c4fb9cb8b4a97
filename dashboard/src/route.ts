// Every view's state lives in the URL's hash (`#/sensor/s-42?metric=temperature&range=24h`), so any
// view can be bookmarked, shared and reloaded, and the server needs no route per view: it serves one
// page at `/`. Pure: parse and format, tested without a browser.

export const PAGES = ['sensors', 'sensor', 'alarms', 'events', 'logs', 'rules', 'login'] as const;
export type Page = (typeof PAGES)[number];

export interface Route {
  page: Page;
  /** the sensor of the `sensor` page */
  sensorId?: string;
  /** the view's state: filters, range, granularity, cursor; empty values are left out */
  params: Record<string, string>;
}

export const DEFAULT_ROUTE: Route = { page: 'sensors', params: {} };

/** Parses `#/page[/sensorId]?a=1&b=2`; anything unknown is the sensors page. */
export function parseRoute(hash: string): Route {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = text.indexOf('?');
  const path = q < 0 ? text : text.slice(0, q);
  const query = q < 0 ? '' : text.slice(q + 1);
  const parts = path.split('/').filter((p) => p !== '');
  const page = PAGES.find((p) => p === parts[0]);
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(query)) if (value !== '') params[key] = value;
  if (!page) return { page: 'sensors', params: parts.length ? {} : params };
  if (page === 'sensor') {
    const sensorId = parts[1] === undefined ? undefined : safeDecode(parts[1]);
    if (!sensorId) return { page: 'sensors', params: {} };
    return { page, sensorId, params };
  }
  return { page, params };
}

export function formatRoute(route: Route): string {
  const path = route.page === 'sensor' ? `#/sensor/${encodeURIComponent(route.sensorId ?? '')}` : `#/${route.page}`;
  const query = new URLSearchParams();
  for (const key of Object.keys(route.params).sort()) {
    const value = route.params[key];
    if (value !== undefined && value !== '') query.set(key, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** The link to a sensor's page, keeping nothing else. */
export const sensorHref = (sensorId: string, params: Record<string, string> = {}): string =>
  formatRoute({ page: 'sensor', sensorId, params });

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** The same route with some parameters changed (an empty or undefined value removes one). */
export function withParams(route: Route, changes: Record<string, string | undefined>): Route {
  const params = { ...route.params };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') delete params[key];
    else params[key] = value;
  }
  return { ...route, params };
}
