// The tester's receiver service over the client library, against a loopback HTTP server: each request
// one attempt, uncompressed, its answer as is (status, headers, JSON); no answer is a DependencyError.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DependencyError } from './dependency-error';
import { createReceiverService } from './http-service';

describe('createReceiverService', () => {
  let server: http.Server;
  let url: string;
  const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '2' });
        res.end(JSON.stringify({ result: false, response: [{ field: 'kafka', message: 'unavailable' }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('when a large body gets a 503, then it was sent once, uncompressed, and the answer is given as is', async () => {
    const receiver = createReceiverService(url, 2000);
    const items = Array.from({ length: 200 }, (_, i) => ({ sensorId: 's1', temperature: i }));
    const response = await receiver.postJson('/api/v1/measurements', items);
    await receiver.close();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(response.json).toEqual({ result: false, response: [{ field: 'kafka', message: 'unavailable' }] });
    expect(seen).toHaveLength(1);
    expect(seen[0].headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(seen[0].body)).toEqual(items);
  });

  it('when a raw body and content type are given, then they are sent as they are', async () => {
    const receiver = createReceiverService(url, 2000);
    await receiver.request('POST', '/api/v1/sensors/s1/measurements', { body: '{bad', contentType: 'text/plain' });
    await receiver.close();
    expect(seen.at(-1)).toMatchObject({
      body: '{bad',
      headers: expect.objectContaining({ 'content-type': 'text/plain' }),
    });
  });

  it('when nothing listens, then it is a DependencyError naming the receiver', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const receiver = createReceiverService(`http://127.0.0.1:${port}`, 2000);
    await expect(receiver.get('/health')).rejects.toThrow(DependencyError);
    await expect(receiver.get('/health')).rejects.toThrow(/receiver at .* does not answer \(ECONNREFUSED\)/);
    await receiver.close();
  });
});
