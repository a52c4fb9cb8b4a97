// The host agent in this process with a short interval: its readings through the real receiver on the
// real broker; its log tailing on real temp files (append, rotation by rename + create, truncation,
// restart from the saved state and from an older saved state, as after a crash) against a small real
// HTTP server standing for the logs endpoint, which records what arrives. Every line must arrive, and
// under one client id only (the receiver deduplicates by id, so a re-send is stored once). An
// unreadable file, a vanished one, a 400 and a receiver that is down must not stop it.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  appendFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  unlinkSync,
} from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Kafka, Producer } from 'kafkajs';
import { createProducer, readingCodec } from '../../shared/src';
import { testConfig, uniqueName, waitFor } from '../../test/helpers';
import { kafkaWithTopics, readTopic, silentLogger, type TopicReader } from '../../test/kafka';
import { type ListeningReceiver, startReceiver } from '../../client/test/receiver-in-process';
import { type Agent, type AgentOptions, startAgent } from './agent';

interface ArrivedLine {
  sensorId: string;
  level: string;
  message: string;
  source?: string;
  id: string;
}

/** A stand-in for POST /api/v1/sensors/{id}/logs that records what arrives and answers as told. */
async function startLogServer(port = 0) {
  const arrived: ArrivedLine[] = [];
  let answer: (lines: ArrivedLine[]) => number = () => 200;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const m = /^\/api\/v1\/sensors\/([^/]+)\/(logs|measurements)$/.exec(req.url ?? '');
      const lines = m && m[2] === 'logs' ? (JSON.parse(body.toString()) as ArrivedLine[]) : [];
      const status = answer(lines.map((l) => ({ ...l, sensorId: m![1] })));
      if (status === 200) for (const l of lines) arrived.push({ ...l, sensorId: decodeURIComponent(m![1]) });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        status === 200
          ? JSON.stringify({ result: true, response: { accepted: lines.length } })
          : JSON.stringify({ result: false, response: [{ field: 'message', message: 'refused by the test' }] }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    arrived,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    port: (server.address() as AddressInfo).port,
    answerWith(f: typeof answer) {
      answer = f;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
type LogServer = Awaited<ReturnType<typeof startLogServer>>;

const agents: Agent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop()));
});

function options(url: string, o: Partial<AgentOptions>): AgentOptions {
  return {
    receiverUrl: url,
    sensorId: uniqueName('host'),
    intervalMs: 200,
    logFiles: [],
    stateDir: mkdtempSync(path.join(os.tmpdir(), 'agent-state-')),
    logPollMs: 50,
    maxItems: 1000,
    maxWaitMs: 50,
    logger: silentLogger,
    clientOptions: { retry: { initialDelayMs: 50, maxDelayMs: 200 }, closeTimeoutMs: 3000 },
    ...o,
  };
}

const stateFileOf = (o: AgentOptions) => path.join(o.stateDir, `agent-${o.sensorId}-tail.json`);

/** Starts the agent and waits for its first look at the files (saved in its state file). */
async function run(o: AgentOptions): Promise<Agent> {
  const agent = await startAgent(o);
  agents.push(agent);
  if (o.logFiles.length > 0) await waitFor(() => existsSync(stateFileOf(o)), { what: 'the first look at the files' });
  return agent;
}

describe('agent readings through the real receiver and Kafka', () => {
  const config = testConfig();
  let kafka: Kafka;
  let producer: Producer;
  let receiver: ListeningReceiver;
  let reader: TopicReader;

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    await producer.connect();
    receiver = await startReceiver(config, producer);
    reader = await readTopic(kafka, config.kafka.readingsTopic);
  });
  afterAll(async () => {
    await Promise.all(agents.splice(0).map((a) => a.stop()));
    await reader?.close();
    await receiver?.close();
    await producer?.disconnect();
  });

  it('when it runs, then each interval the host metrics of its sensor are in the readings topic', async () => {
    const o = options(receiver.url, {});
    await run(o);
    const expected = [
      'cpu_usage',
      'memory_usage',
      'swap_usage',
      'disk_usage',
      'network_sent',
      'network_received',
      'disk_read',
      'disk_written',
      'load_1m',
      'uptime_s',
    ];
    const metricsOf = () =>
      new Set(
        reader.messages
          .map((m) => readingCodec.decode(m.value as Buffer))
          .filter((r) => r.sensorId === o.sensorId)
          .map((r) => r.metric),
      );
    await reader.until(() => expected.every((m) => metricsOf().has(m)), `the agent's metrics (${expected})`);
    const readings = reader.messages
      .map((m) => readingCodec.decode(m.value as Buffer))
      .filter((r) => r.sensorId === o.sensorId);
    const cpu = readings.filter((r) => r.metric === 'cpu_usage').map((r) => r.value);
    for (const v of cpu) expect(v).toBeGreaterThanOrEqual(0);
    for (const v of cpu) expect(v).toBeLessThanOrEqual(100);
    // two samples at least, 200 ms apart: several readings of one metric, each with its own client id
    await reader.until(
      () =>
        reader.messages
          .map((m) => readingCodec.decode(m.value as Buffer))
          .filter((r) => r.sensorId === o.sensorId && r.metric === 'memory_usage').length >= 3,
      'three samples',
    );
  });
});

describe('agent log tailing on real files', () => {
  let server: LogServer;
  let dir: string;

  beforeEach(async () => {
    server = await startLogServer();
    dir = mkdtempSync(path.join(os.tmpdir(), 'agent-logs-'));
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.stop()));
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Waits until every text has arrived, then checks each arrived under one id only and nothing else came. */
  async function expectExactly(texts: string[], what: string) {
    await waitFor(() => texts.every((t) => server.arrived.some((l) => l.message === t)), { what, timeoutMs: 15000 });
    const idsOf = new Map<string, Set<string>>();
    for (const l of server.arrived) idsOf.set(l.message, (idsOf.get(l.message) ?? new Set()).add(l.id));
    for (const t of texts) expect([t, idsOf.get(t)?.size]).toEqual([t, 1]);
    expect([...idsOf.keys()].sort()).toEqual([...texts].sort());
  }

  it('when a file is appended to, rotated, truncated, and the agent restarted, then every line arrives once', async () => {
    const file = path.join(dir, 'app.log');
    writeFileSync(file, 'before-1 old\nbefore-2 old\n');
    const o = options(server.url, { logFiles: [file] });
    let agent = await run(o);

    appendFileSync(file, 'a1 first line\nERROR a2 broke\n');
    await expectExactly(['a1 first line', 'ERROR a2 broke'], 'appended lines');
    const a2 = server.arrived.find((l) => l.message === 'ERROR a2 broke')!;
    expect(a2).toMatchObject({ level: 'error', source: file, sensorId: o.sensorId });
    expect(server.arrived.find((l) => l.message === 'a1 first line')!.level).toBe('info');

    // rotation: rename, the writer finishes its line in the old file, then a new file
    renameSync(file, `${file}.1`);
    appendFileSync(`${file}.1`, 'a3 late in the old file\n');
    writeFileSync(file, 'b1 new file\nb2 a longer line so that the file is longer than what follows\n');
    await expectExactly(
      [
        'a1 first line',
        'ERROR a2 broke',
        'a3 late in the old file',
        'b1 new file',
        'b2 a longer line so that the file is longer than what follows',
      ],
      'rotated lines',
    );

    // truncation (copytruncate): the file starts again shorter
    writeFileSync(file, 'c1 after truncation\n');
    const sofar = [
      'a1 first line',
      'ERROR a2 broke',
      'a3 late in the old file',
      'b1 new file',
      'b2 a longer line so that the file is longer than what follows',
      'c1 after truncation',
    ];
    await expectExactly(sofar, 'line after truncation');

    // a clean stop, lines and a rotation while it is down, a restart from the saved state
    await agent.stop();
    agents.splice(agents.indexOf(agent), 1);
    const stateFile = stateFileOf(o);
    const savedBefore = `${stateFile}.earlier`;
    copyFileSync(stateFile, savedBefore);
    appendFileSync(file, 'd1 while down\n');
    renameSync(file, `${file}.2`);
    writeFileSync(file, 'e1 new while down\n');
    agent = await run(o);
    await expectExactly([...sofar, 'd1 while down', 'e1 new while down'], 'lines written while it was down');
    await agent.stop();
    agents.splice(agents.indexOf(agent), 1);

    // as after a crash before the state was saved: an older state, so lines are sent again, under their ids
    copyFileSync(savedBefore, stateFile);
    const before = server.arrived.length;
    agent = await run(o);
    appendFileSync(file, 'f1 after the crash\n');
    await expectExactly([...sofar, 'd1 while down', 'e1 new while down', 'f1 after the crash'], 'line after the crash');
    expect(server.arrived.length).toBeGreaterThan(before + 1); // d1 and e1 were re-sent, same ids
  });

  it('when a file appears after the first start, then it is read from its start', async () => {
    const file = path.join(dir, 'later.log');
    await run(options(server.url, { logFiles: [file] }));
    writeFileSync(file, 'x1 from the start\nx2\n');
    await expectExactly(['x1 from the start', 'x2'], 'a file created later');
  });

  it('when a file is unreadable or vanishes, and a batch gets 400, then it goes on with the others', async () => {
    const good = path.join(dir, 'good.log');
    const unreadable = path.join(dir, 'unreadable.log');
    const vanishing = path.join(dir, 'vanishing.log');
    writeFileSync(good, '');
    mkdirSync(unreadable); // a directory: stat works, reading fails (also as root, unlike chmod 000)
    writeFileSync(vanishing, '');
    const o = options(server.url, { logFiles: [good, unreadable, vanishing, path.join(dir, 'never.log')] });
    const agent = await run(o);
    appendFileSync(vanishing, 'v1 before it vanished\n');
    await expectExactly(['v1 before it vanished'], 'vanishing file line');
    unlinkSync(vanishing);
    appendFileSync(good, 'g1 still going\n');
    await expectExactly(['v1 before it vanished', 'g1 still going'], 'a line after the file vanished');

    server.answerWith((lines) => (lines.some((l) => l.message.includes('poison')) ? 400 : 200));
    appendFileSync(good, 'poison line\n');
    await waitFor(() => agent.client.stats('logs').rejected > 0, { what: 'the 400' });
    appendFileSync(good, 'g2 after the 400\n');
    await waitFor(() => server.arrived.some((l) => l.message === 'g2 after the 400'), { what: 'a line after a 400' });
    expect(server.arrived.some((l) => l.message === 'poison line')).toBe(false);
  });

  it('when the receiver is down, then lines wait and arrive when it is back', async () => {
    const file = path.join(dir, 'down.log');
    writeFileSync(file, '');
    const o = options(server.url, { logFiles: [file] });
    const agent = await run(o);
    appendFileSync(file, 'u1 while up\n');
    await expectExactly(['u1 while up'], 'a line while up');
    const port = server.port;
    await server.close();
    const texts = Array.from({ length: 50 }, (_, i) => `w${i} while down`);
    appendFileSync(file, texts.map((t) => `${t}\n`).join(''));
    await waitFor(() => agent.client.stats('logs').retried > 0, { what: 'retries while down' });
    server = await startLogServer(port);
    await expectExactly(texts, 'lines written while the receiver was down');
  });
});
