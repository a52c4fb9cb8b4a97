// A service under test over HTTP: the assessor through Node's fetch, the receiver through the client
// library's one-off requests (as every poster of this repo). Connection failures and timeouts become
// a DependencyError naming the service and its address.
import { createClient, type MetricsClient } from '../../client/src';
import { connectionErrorCode, DependencyError } from './dependency-error';

export interface HttpResponse {
  status: number;
  contentType: string;
  headers: Headers;
  text: string;
  /** the parsed body when it is JSON, else undefined */
  json: unknown;
}

export interface RequestOptions {
  /** a value sent as JSON (Content-Type: application/json) */
  json?: unknown;
  /** a raw body, sent as is */
  body?: string;
  contentType?: string;
  /** more request headers (an Authorization: Bearer token) */
  headers?: Record<string, string>;
}

export interface HttpService {
  name: string;
  baseUrl: string;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpResponse>;
  get(path: string): Promise<HttpResponse>;
  postJson(path: string, value: unknown): Promise<HttpResponse>;
}

export function createHttpService(
  name: string,
  baseUrl: string,
  timeoutMs: number,
  fetchImpl: typeof fetch = fetch,
): HttpService {
  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    let body: string | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    } else if (options.body !== undefined) {
      body = options.body;
    }
    if (options.contentType) headers['content-type'] = options.contentType;
    Object.assign(headers, options.headers);
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${baseUrl}${path}`, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      const e = err as Error;
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw new DependencyError(`${name} at ${baseUrl} did not answer ${method} ${path} within ${timeoutMs} ms`);
      }
      const code = connectionErrorCode(err);
      throw new DependencyError(
        `${name} at ${baseUrl} does not answer (${code ?? e.message}${code ? '' : ` on ${method} ${path}`})`,
      );
    }
    const contentType = response.headers.get('content-type') ?? '';
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, contentType, headers: response.headers, text, json };
  };
  return {
    name,
    baseUrl,
    request,
    get: (path) => request('GET', path),
    postJson: (path, value) => request('POST', path, { json: value }),
  };
}

/**
 * The receiver through the client library's one-off requests: one attempt each (the tests see every
 * answer, no retry hides one), uncompressed (the tests check the receiver as the original's sensors
 * post to it, body-size limits included), with the client's timeout and keep-alive transport.
 */
export function createReceiverService(
  baseUrl: string,
  timeoutMs: number,
  client: MetricsClient = createClient({ url: baseUrl, gzip: false }),
): HttpService & { close(): Promise<void> } {
  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> => {
    const res = await client.request(method, path, {
      ...(options.json !== undefined
        ? { json: options.json }
        : options.body !== undefined
          ? { body: options.body }
          : {}),
      ...(options.contentType ? { contentType: options.contentType } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
      retry: false,
      gzip: false,
      timeoutMs,
    });
    if (res.status === undefined) {
      if (res.error?.kind === 'timeout') {
        throw new DependencyError(`receiver at ${baseUrl} did not answer ${method} ${path} within ${timeoutMs} ms`);
      }
      const code = connectionErrorCode(res.error?.cause ?? res.error);
      throw new DependencyError(
        `receiver at ${baseUrl} does not answer (${code ?? res.error?.message}${code ? '' : ` on ${method} ${path}`})`,
      );
    }
    const headers = new Headers();
    for (const [key, value] of Object.entries(res.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(key, v);
    }
    const contentType = headers.get('content-type') ?? '';
    let json: unknown;
    try {
      json = res.text === '' ? undefined : JSON.parse(res.text);
    } catch {
      json = undefined;
    }
    return { status: res.status, contentType, headers, text: res.text, json };
  };
  return {
    name: 'receiver',
    baseUrl,
    request,
    get: (path) => request('GET', path),
    postJson: (path, value) => request('POST', path, { json: value }),
    close: () => client.close({ timeoutMs: 0 }),
  };
}
