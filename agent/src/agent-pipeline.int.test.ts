// The host agent end to end, as it runs in production: its real process (node dist/agent/src/main.js,
// configured by environment variables only) posting to the real receiver (in this process, readings and
// log lines to Kafka), the real saver and log saver writing to PostgreSQL. What is proven is what the
// tables hold: the host metrics as readings of AGENT_SENSOR_ID; every line appended to a followed file
// (across a rotation and a truncation) stored once; after a SIGKILL and a restart no line lost and none
// stored twice (rows counted per line text: a line read again from a wrong position would come under
// another client id and be counted twice); lines written while the receiver is down stored once it is
// back. agent.int.test.ts covers the same tailing cases in more detail against a stand-in endpoint.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { createPool, createProducer } from '../../shared/src';
import { testConfig, uniqueName, waitFor } from '../../test/helpers';
import { kafkaWithTopics, silentLogger } from '../../test/kafka';
import { type Running, startLogSaver, startSaver } from '../../test/services';
import { type ListeningReceiver, startReceiver } from '../../client/test/receiver-in-process';
import { repoRoot } from '../../bench/src/service-process';
import type { Position } from './tail-decisions';

const entry = path.join(repoRoot, 'dist', 'agent', 'src', 'main.js');

interface AgentProcess {
  sensorId: string;
  stateFile: string;
  /** everything the agent's process logged (pino JSON lines), all its starts */
  log(): string;
  /** starts the process; the first time, waits for its first look at the files (its state file) */
  start(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

const running = new Set<ChildProcess>();

/**
 * The agent's own process, on a state folder and log file of its own, quick to poll and to send.
 * `intervalS`: between two host samples (the tailing tests take one an hour, so that the only requests
 * after the start are log lines).
 */
function agentProcess(receiverUrl: string, logFiles: string[], dir: string, intervalS = 3600): AgentProcess {
  const sensorId = uniqueName('agent-host');
  const stateDir = path.join(dir, 'state');
  const logFile = path.join(dir, 'agent.log');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let starts = 0;
  const stateFile = path.join(stateDir, `agent-${sensorId}-tail.json`);
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  return {
    sensorId,
    stateFile,
    log,
    async start() {
      if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
      const firstStart = logFiles.length > 0 && !existsSync(stateFile);
      starts += 1;
      const out = openSync(logFile, 'a');
      const current = spawn(process.execPath, [entry], {
        cwd: dir,
        env: {
          ...process.env,
          LOG_LEVEL: 'info',
          AGENT_RECEIVER_URL: receiverUrl,
          AGENT_SENSOR_ID: sensorId,
          AGENT_INTERVAL_S: String(intervalS),
          AGENT_LOG_FILES: logFiles.join(','),
          AGENT_LOG_POLL_MS: '50',
          AGENT_STATE_DIR: stateDir,
          CLIENT_MAX_ITEMS: '100',
          CLIENT_MAX_WAIT_MS: '50',
          SHUTDOWN_TIMEOUT_MS: '5000',
        },
        stdio: ['ignore', out, out],
      });
      closeSync(out);
      child = current;
      running.add(current);
      exited = new Promise((resolve) =>
        current.once('exit', () => {
          running.delete(current);
          resolve();
        }),
      );
      await waitFor(
        () => {
          if (current.exitCode !== null) throw new Error(`the agent exited with ${current.exitCode}: ${logFile}`);
          // the first start follows the files from their end: appending must wait for its first look
          const started = occurrences(log(), '"msg":"agent started"') >= starts;
          return started && (!firstStart || existsSync(stateFile));
        },
        { what: `the agent ${sensorId} started`, timeoutMs: 20000 },
      );
    },
    async kill(signal) {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

/** The saved position of a followed path. */
function savedPosition(stateFile: string, file: string): Position | null | undefined {
  return (JSON.parse(readFileSync(stateFile, 'utf8')) as { files: Record<string, Position | null> }).files[file];
}

const occurrences = (haystack: string, needle: string) => haystack.split(needle).length - 1;
/** The agent's "buffering and retrying" warnings about log lines (the first failure of a run of them). */
const logRetries = (log: string) =>
  log.split('\n').filter((l) => l.includes('receiver unavailable') && l.includes('"kind":"logs"')).length;

const lines = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i} agent line`);
const text = (ls: string[]) => ls.map((l) => `${l}\n`).join('');

describe('the agent process through the real receiver, Kafka, the saver and PostgreSQL', () => {
  const config = testConfig();
  let kafka: Kafka;
  let producer: Producer;
  let logsProducer: Producer;
  let pool: Pool;
  let saver: Running;
  let logSaver: Running & { metrics: { duplicatesIgnored: { get(): Promise<{ values: Array<{ value: number }> }> } } };
  let receiver: ListeningReceiver | undefined;
  let port: number;
  let dir: string;

  const receiverUp = async () => {
    receiver = await startReceiver(config, producer, { logsProducer, port });
  };
  const receiverDown = async () => {
    await receiver?.close();
    receiver = undefined;
  };

  beforeAll(async () => {
    kafka = await kafkaWithTopics(config);
    producer = createProducer(kafka);
    logsProducer = createProducer(kafka);
    await Promise.all([producer.connect(), logsProducer.connect()]);
    pool = createPool(config.postgres, silentLogger);
    saver = await startSaver(config, kafka, { pool });
    logSaver = await startLogSaver(config, kafka, { pool });
    receiver = await startReceiver(config, producer, { logsProducer });
    port = Number(new URL(receiver.url).port);
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'agent-pipeline-'));
  });
  afterEach(async () => {
    // the agents stop with the receiver up (what they hold is sent), then the folder goes
    if (!receiver) await receiverUp();
    await Promise.all(
      [...running].map(
        (c) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => c.kill('SIGKILL'), 10000);
            c.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await receiverDown();
    await logSaver?.stop();
    await saver?.stop();
    await producer?.disconnect();
    await logsProducer?.disconnect();
    await pool?.end();
  });

  const duplicatesIgnored = async () =>
    (await logSaver.metrics.duplicatesIgnored.get()).values.reduce((sum, v) => sum + v.value, 0);

  /**
   * Waits until every text is in the logs table for the sensor, then checks each is there once, under
   * the agent's client id (c/<sensor>/<its id>) and the followed path as its source, and nothing else.
   */
  async function expectStoredOnce(sensorId: string, file: string, texts: string[], what: string, timeoutMs = 30000) {
    const rows = async () =>
      (
        await pool.query<{ id: string; message: string; source: string }>(
          'SELECT id, message, source FROM logs WHERE sensor_id = $1',
          [sensorId],
        )
      ).rows;
    const wanted = new Set(texts);
    await waitFor(
      async () => {
        const messages = new Set((await rows()).map((r) => r.message));
        return [...wanted].every((t) => messages.has(t));
      },
      { what, timeoutMs },
    );
    const stored = await rows();
    const count = new Map<string, number>();
    for (const r of stored) count.set(r.message, (count.get(r.message) ?? 0) + 1);
    const doubled = [...count].filter(([, n]) => n > 1);
    expect(doubled).toEqual([]);
    expect([...count.keys()].sort()).toEqual([...wanted].sort());
    for (const r of stored) {
      expect(r.id.startsWith(`c/${sensorId}/`)).toBe(true);
      expect(r.source).toBe(file);
    }
  }

  it('when it runs, then its host metrics are stored as readings of AGENT_SENSOR_ID', async () => {
    const agent = agentProcess(receiver!.url, [], dir, 1);
    await agent.start();
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
    const metrics = async () =>
      (
        await pool.query<{ metric: string; n: number; low: number; high: number }>(
          `SELECT metric, count(*)::int AS n, min(value) AS low, max(value) AS high
             FROM readings WHERE sensor_id = $1 GROUP BY metric`,
          [agent.sensorId],
        )
      ).rows;
    // cpu_usage and the rates need two samples; two readings of memory_usage: two intervals stored
    const rows = await waitFor(
      async () => {
        const r = await metrics();
        const names = new Set(r.map((m) => m.metric));
        const memory = r.find((m) => m.metric === 'memory_usage');
        return expected.every((m) => names.has(m)) && memory !== undefined && memory.n >= 2 && r;
      },
      { what: `readings of ${expected.join(', ')}`, timeoutMs: 30000 },
    );
    for (const m of rows.filter((r) => r.metric.endsWith('_usage'))) {
      expect([m.metric, m.low >= 0 && m.high <= 100]).toEqual([m.metric, true]);
    }
  });

  it('when a followed file is appended to, rotated and truncated, then each line is stored once', async () => {
    const file = path.join(dir, 'app.log');
    writeFileSync(file, text(['before the first start, not sent']));
    const agent = agentProcess(receiver!.url, [file], dir);
    await agent.start();

    const appended = lines('append', 30);
    appendFileSync(file, text(appended));
    await expectStoredOnce(agent.sensorId, file, appended, 'the appended lines');

    // rotation: renamed, the writer finishes in the old file, then a new file at the path
    const late = lines('late-in-rotated', 5);
    const fresh = lines('new-file', 20);
    renameSync(file, `${file}.1`);
    appendFileSync(`${file}.1`, text(late));
    writeFileSync(file, text(fresh));
    let sofar = [...appended, ...late, ...fresh];
    await expectStoredOnce(agent.sensorId, file, sofar, 'the lines around the rotation');

    // truncation (copytruncate): the file starts again, shorter than what was read
    const truncated = lines('after-truncation', 2);
    writeFileSync(file, text(truncated));
    sofar = [...sofar, ...truncated];
    await expectStoredOnce(agent.sensorId, file, sofar, 'the lines after the truncation');
    const more = lines('after-truncation-more', 10);
    appendFileSync(file, text(more));
    await expectStoredOnce(agent.sensorId, file, [...sofar, ...more], 'lines appended after the truncation');
  });

  it('when the agent is killed (SIGKILL) and restarted, then it resumes from its saved position: no line lost, none doubled', async () => {
    const file = path.join(dir, 'crash.log');
    writeFileSync(file, '');
    const agent = agentProcess(receiver!.url, [file], dir);
    await agent.start();

    const first = lines('first', 50);
    appendFileSync(file, text(first));
    await expectStoredOnce(agent.sensorId, file, first, 'the first lines');
    await waitFor(() => savedPosition(agent.stateFile, file)?.offset === Buffer.byteLength(text(first)), {
      what: 'the position after the first lines saved',
    });
    const savedAfterFirst = `${agent.stateFile}.after-first`;
    copyFileSync(agent.stateFile, savedAfterFirst);

    const second = lines('second', 50);
    appendFileSync(file, text(second));
    await expectStoredOnce(agent.sensorId, file, [...first, ...second], 'the second lines');
    const deliveredBytes = Buffer.byteLength(text([...first, ...second]));
    await waitFor(() => savedPosition(agent.stateFile, file)?.offset === deliveredBytes, {
      what: 'the position after the second lines saved',
    });

    // lines read and held by the client (the receiver is down), then the process is killed: they
    // were never delivered, so their position was never saved
    await receiverDown();
    const retriesBefore = logRetries(agent.log());
    const held = lines('held-when-killed', 50);
    appendFileSync(file, text(held));
    await waitFor(() => logRetries(agent.log()) > retriesBefore, {
      what: 'the agent retrying the held lines',
    });
    await agent.kill('SIGKILL');
    expect(savedPosition(agent.stateFile, file)?.offset).toBe(deliveredBytes);

    // as if the kill had come between the send of the second lines and the save of their position:
    // the older state, so they are read and sent again, under the same ids
    copyFileSync(savedAfterFirst, agent.stateFile);
    // while it is down: more lines, then a rotation with the writer finishing in the old file
    const whileDead = lines('while-dead', 30);
    appendFileSync(file, text(whileDead));
    renameSync(file, `${file}.1`);
    const lateOld = lines('while-dead-late-in-rotated', 5);
    appendFileSync(`${file}.1`, text(lateOld));
    const newFile = lines('while-dead-new-file', 20);
    writeFileSync(file, text(newFile));

    const duplicatesBefore = await duplicatesIgnored();
    await receiverUp();
    await agent.start();
    const all = [...first, ...second, ...held, ...whileDead, ...lateOld, ...newFile];
    await expectStoredOnce(agent.sensorId, file, all, 'every line after the restart');
    // the second lines did come again (same ids) and the saver kept the first copy
    await waitFor(async () => (await duplicatesIgnored()) - duplicatesBefore >= second.length, {
      what: 'the re-sent second lines ignored as duplicates',
    });
    // and it goes on from there
    const after = lines('after-restart', 10);
    appendFileSync(file, text(after));
    await expectStoredOnce(agent.sensorId, file, [...all, ...after], 'lines after the restart');
  }, 120_000);

  it('when the receiver is down, then the lines wait in the agent and are stored once it is back', async () => {
    const file = path.join(dir, 'outage.log');
    writeFileSync(file, '');
    const agent = agentProcess(receiver!.url, [file], dir);
    await agent.start();
    const up = lines('while-up', 10);
    appendFileSync(file, text(up));
    await expectStoredOnce(agent.sensorId, file, up, 'lines while the receiver is up');

    await receiverDown();
    const retriesBefore = logRetries(agent.log());
    const down = lines('while-receiver-down', 300);
    appendFileSync(file, text(down));
    await waitFor(() => logRetries(agent.log()) > retriesBefore, {
      what: 'the agent retrying while the receiver is down',
    });
    await receiverUp();
    await expectStoredOnce(agent.sensorId, file, [...up, ...down], 'the lines written while the receiver was down');
    await waitFor(() => agent.log().includes('receiver reachable again'), { what: 'the agent seeing it back' });
  }, 120_000);
});
