import { DependencyError } from './dependency-error';
import { createHttpService } from './http-service';

function fakeFetch(answer: () => Promise<Response>): { fetch: typeof fetch; calls: Array<[string, RequestInit]> } {
  const calls: Array<[string, RequestInit]> = [];
  const fn = (async (url: string, init: RequestInit) => {
    calls.push([url, init]);
    return answer();
  }) as unknown as typeof fetch;
  return { fetch: fn, calls };
}

describe('createHttpService', () => {
  it('when a JSON value is posted, then it is sent as application/json and the JSON answer parsed', async () => {
    const fake = fakeFetch(async () =>
      Response.json({ result: true, response: 'OK' }, { headers: { 'content-type': 'application/json' } }),
    );
    const receiver = createHttpService('receiver', 'http://127.0.0.1:8080', 1000, fake.fetch);
    const response = await receiver.postJson('/api/v1/sensors/s1/measurements', { temperature: 99 });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ result: true, response: 'OK' });
    const [url, init] = fake.calls[0];
    expect(url).toBe('http://127.0.0.1:8080/api/v1/sensors/s1/measurements');
    expect(init.body).toBe('{"temperature":99}');
    expect((init.headers as Record<string, string>)['content-type']).toBe('application/json');
  });

  it('when a raw body has its own content type, then it is sent as given', async () => {
    const fake = fakeFetch(
      async () => new Response('<html>', { status: 415, headers: { 'content-type': 'text/html' } }),
    );
    const receiver = createHttpService('receiver', 'http://h:1', 1000, fake.fetch);
    const response = await receiver.request('POST', '/x', { body: 'plain', contentType: 'text/plain' });
    expect(response).toMatchObject({ status: 415, contentType: 'text/html', text: '<html>', json: undefined });
    expect((fake.calls[0][1].headers as Record<string, string>)['content-type']).toBe('text/plain');
  });

  it('when nothing listens, then the error names the service and its address', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED' }),
    });
    const receiver = createHttpService(
      'receiver',
      'http://127.0.0.1:8080',
      1000,
      fakeFetch(() => Promise.reject(refused)).fetch,
    );
    const failure = receiver.get('/health');
    await expect(failure).rejects.toThrow(DependencyError);
    await expect(failure).rejects.toThrow('receiver at http://127.0.0.1:8080 does not answer (ECONNREFUSED)');
  });

  it('when the service is too slow, then the error says how long it waited', async () => {
    const timeout = Object.assign(new Error('aborted'), { name: 'TimeoutError' });
    const assessor = createHttpService(
      'assessor',
      'http://127.0.0.1:8081',
      250,
      fakeFetch(() => Promise.reject(timeout)).fetch,
    );
    await expect(assessor.get('/api/v1/sensors/s/events')).rejects.toThrow(
      'assessor at http://127.0.0.1:8081 did not answer GET /api/v1/sensors/s/events within 250 ms',
    );
  });
});
