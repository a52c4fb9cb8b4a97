// Calls to the assessor's API: relative URLs (so a proxy may mount it under a path), the token as
// `Authorization: Bearer` (never in a URL), and the contract's error body turned into an ApiError
// whose field errors a form can show next to its fields.
import { currentToken } from './session';

export interface FieldError {
  field: string;
  message: string;
  index?: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly fields: FieldError[],
    readonly path: string,
  ) {
    super(fields.length ? fields.map((f) => `${f.field}: ${f.message}`).join('; ') : `HTTP ${status}`);
  }

  /** The message of one field, when the API named it. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.field === field)?.message;
  }
}

/** The server has no such endpoint (yet): a list endpoint answering 404. */
export const isMissing = (err: unknown): boolean => err instanceof ApiError && err.status === 404;

export type Query = Record<string, string | number | boolean | undefined | null | readonly string[]>;

export function apiPath(path: string, query: Query = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) search.append(key, v);
    else search.set(key, String(value));
  }
  const text = search.toString();
  return `api/v1/${path}${text ? `?${text}` : ''}`;
}

export const enc = encodeURIComponent;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** use this token instead of the stored one (the login form checks a token before storing it) */
  token?: string | null;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = options.token === undefined ? currentToken() : options.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      cache: 'no-store',
    });
  } catch (err) {
    if ((err as { name?: string }).name === 'AbortError') throw err;
    throw new ApiError(0, [{ field: 'network', message: 'the assessor did not answer' }], path);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) throw new ApiError(res.status, errorFields(body, res.status), path);
  return body as T;
}

function errorFields(body: unknown, status: number): FieldError[] {
  const response = (body as { response?: unknown } | undefined)?.response;
  if (Array.isArray(response)) {
    return response
      .filter((r): r is FieldError => typeof r === 'object' && r !== null && typeof r.field === 'string')
      .map((r) => ({
        field: r.field,
        message: String(r.message),
        ...(typeof r.index === 'number' ? { index: r.index } : {}),
      }));
  }
  return [{ field: 'status', message: `the assessor answered ${status}` }];
}

/** A short sentence for an error, for a status line. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return 'This server needs a token: sign in.';
    if (err.status === 403) return `Not allowed for this token: ${err.message}`;
    if (err.status === 429) return 'Too many requests: try again in a moment.';
    if (err.status === 503) return `The assessor cannot reach its database right now (${err.message}).`;
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
