// The services as real child processes (node dist/<service>/src/main.js), so a fault test can SIGKILL
// one at any moment and start it again, as an operator's supervisor would.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Config } from '../../shared/src';
import { waitFor } from '../helpers';

const repo = path.resolve(__dirname, '..', '..');

export type ServiceName = 'receiver' | 'processor' | 'saver' | 'assessor';

export interface ServiceProcess {
  name: string;
  logFile: string;
  readonly pid: number | undefined;
  start(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM and wait for a clean exit; resolves with the exit code */
  stop(): Promise<number | null>;
}

export function entryPoint(service: ServiceName): string {
  const file = path.join(repo, 'dist', service, 'src', 'main.js');
  if (!existsSync(file))
    throw new Error(`${file} is missing: run \`make build\` (make test does) before the fault suite`);
  return file;
}

export function serviceProcess(
  service: ServiceName,
  instance: string,
  env: Record<string, string>,
  logDir: string,
): ServiceProcess {
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${instance}.log`);
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);

  const started = (from: number) => readFileSync(logFile, 'utf8').slice(from).includes('"msg":"started"');

  return {
    name: instance,
    logFile,
    get pid() {
      return child?.pid;
    },
    async start() {
      const log = createWriteStream(logFile, { flags: 'a' });
      await new Promise((resolve) => log.once('open', resolve));
      const from = existsSync(logFile) ? readFileSync(logFile, 'utf8').length : 0;
      child = spawn(process.execPath, [entryPoint(service)], {
        env: { ...process.env, ...env },
        stdio: ['ignore', log, log],
      });
      const current = child;
      exited = new Promise((resolve) => current.once('exit', (code) => resolve(code)));
      await waitFor(() => started(from) || current.exitCode !== null, {
        what: `${instance} started`,
        timeoutMs: 60000,
      });
      if (current.exitCode !== null)
        throw new Error(`${instance} exited with ${current.exitCode} at start; see ${logFile}`);
    },
    async kill(signal) {
      if (!child || child.exitCode !== null) return;
      child.kill(signal);
      await exited;
    },
    async stop() {
      if (!child || child.exitCode !== null) return child?.exitCode ?? null;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 30000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A port nothing listens on now (the service binds it a moment later). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The environment that points service processes at a test configuration's infrastructure, topics and groups. */
export function serviceEnv(config: Config, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: config.kafka.brokers.join(','),
    DATABASE_URL: config.postgres.url,
    REDIS_URL: config.redis.url,
    LOG_LEVEL: 'info',
    KAFKA_READINGS_TOPIC: config.kafka.readingsTopic,
    KAFKA_EVENTS_TOPIC: config.kafka.eventsTopic,
    KAFKA_DEAD_LETTER_TOPIC: config.kafka.deadLetterTopic,
    KAFKA_PARTITIONS: String(config.kafka.partitions),
    PROCESSOR_GROUP_ID: config.processor.groupId,
    SAVER_GROUP_ID: config.saver.groupId,
    REDIS_KEY_PREFIX: config.redis.keyPrefix,
    PROCESSOR_STATUS_PORT: '0',
    SAVER_STATUS_PORT: '0',
    RECEIVER_HOST: '127.0.0.1',
    ASSESSOR_HOST: '127.0.0.1',
    ...overrides,
  };
}
