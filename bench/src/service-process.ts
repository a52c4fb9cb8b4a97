// The services as child processes (node dist/<service>/src/main.js, configured by environment
// variables only): the one home of service processes, for the bench and for the tests that run the
// real services (fault, bad-input, shutdown). test/ may import bench/src; not the reverse: test/ is
// outside the Docker build context. Ready means GET /health answers on the service's port, so the
// services may run at any log level.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Config } from '../../shared/src';

export type ServiceName = 'receiver' | 'processor' | 'saver' | 'assessor';

/** The repository: the nearest folder above this file with a package.json (from dist/bench/src or bench/src alike). */
export const repoRoot = ((): string => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

export interface ServiceProcess {
  name: string;
  service: ServiceName;
  /** the HTTP port: the API (receiver, assessor) or the status server (processor, saver) */
  port: number;
  baseUrl: string;
  logFile: string;
  readonly pid: number | undefined;
  start(): Promise<void>;
  /** sends the signal (e.g. SIGKILL, a crash) and waits for the exit */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** sends the signal and returns at once; `exited()` tells the outcome */
  signal(signal: NodeJS.Signals): void;
  /** resolves with the exit code of the last start (null: killed by a signal) once it has exited */
  exited(): Promise<number | null>;
  /** SIGTERM and wait for the exit (SIGKILL after 30 s); resolves with the exit code */
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function entryPoint(service: ServiceName): string {
  const file = path.join(repoRoot, 'dist', service, 'src', 'main.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`make build\` first (make bench and make test do)`);
  return file;
}

/** The environment variable naming a service's HTTP port. */
export const PORT_ENV: Readonly<Record<ServiceName, string>> = {
  receiver: 'RECEIVER_PORT',
  processor: 'PROCESSOR_STATUS_PORT',
  saver: 'SAVER_STATUS_PORT',
  assessor: 'ASSESSOR_PORT',
};

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

export function serviceProcess(
  service: ServiceName,
  name: string,
  port: number,
  env: Record<string, string>,
  logDir: string,
): ServiceProcess {
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const baseUrl = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);

  return {
    name,
    service,
    port,
    baseUrl,
    logFile,
    get pid() {
      return child?.pid;
    },
    async start() {
      const log = createWriteStream(logFile, { flags: 'a' });
      await new Promise((resolve) => log.once('open', resolve));
      const current = spawn(process.execPath, [entryPoint(service)], {
        env: { ...process.env, ...env, [PORT_ENV[service]]: String(port) },
        stdio: ['ignore', log, log],
      });
      child = current;
      exited = new Promise((resolve) => current.once('exit', (code) => resolve(code)));
      const deadline = Date.now() + 60_000;
      while (!(await healthy(baseUrl))) {
        if (current.exitCode !== null)
          throw new Error(`${name} exited with ${current.exitCode} at start; see ${logFile}`);
        if (Date.now() > deadline) throw new Error(`${name} did not answer /health within 60 s; see ${logFile}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async kill(signal) {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
    signal(signal) {
      if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    exited: () => exited,
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
      child.kill('SIGTERM');
      const running = child;
      const timer = setTimeout(() => running.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The environment that points service processes at a configuration's infrastructure, topics and groups. */
export function serviceEnv(config: Config, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: config.kafka.brokers.join(','),
    DATABASE_URL: config.postgres.url,
    REDIS_URL: config.redis.url,
    LOG_LEVEL: 'info',
    KAFKA_READINGS_TOPIC: config.kafka.readingsTopic,
    KAFKA_EVENTS_TOPIC: config.kafka.eventsTopic,
    KAFKA_ALARMS_TOPIC: config.kafka.alarmsTopic,
    KAFKA_RULES_TOPIC: config.kafka.rulesTopic,
    KAFKA_LOGS_TOPIC: config.kafka.logsTopic,
    KAFKA_DEAD_LETTER_TOPIC: config.kafka.deadLetterTopic,
    KAFKA_PARTITIONS: String(config.kafka.partitions),
    PROCESSOR_GROUP_ID: config.processor.groupId,
    SAVER_GROUP_ID: config.saver.groupId,
    NOTIFIER_GROUP_ID: config.notifier.groupId,
    REDIS_KEY_PREFIX: config.redis.keyPrefix,
    PROCESSOR_STATUS_PORT: '0',
    SAVER_STATUS_PORT: '0',
    RECEIVER_HOST: '127.0.0.1',
    ASSESSOR_HOST: '127.0.0.1',
    ...overrides,
  };
}
