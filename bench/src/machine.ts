// The machine the bench ran on, and the versions of what it ran against.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import type { Pool } from 'pg';
import type { MachineInfo } from './bench-result';
import { pidsByCommand, systemTicks, ticksPerSecond } from './proc-stats';
import { repoRoot } from './service-process';

const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/** Pids of the local Kafka broker (a java process running kafka.Kafka). */
export function kafkaBrokerPids(): number[] {
  return pidsByCommand('java').filter((pid) => read(`/proc/${pid}/cmdline`).split('\0').includes('kafka.Kafka'));
}

/** "kafka-3.9.2/lib" on the broker's class path, else the version infra/kafka/pom.xml pins. Pure. */
export function kafkaVersionFrom(cmdline: string, pom: string): string | undefined {
  const fromCmdline = /kafka[-_](?:2\.1[23]-)?(\d+\.\d+\.\d+)/.exec(cmdline)?.[1];
  const fromPom = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  return fromCmdline ?? fromPom;
}

async function redisVersion(url: string): Promise<string> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const info = await redis.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  } finally {
    redis.disconnect();
  }
}

async function otherCpu(seconds: number): Promise<number> {
  const start = systemTicks();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const end = systemTicks();
  return (end.busy - start.busy) / ticksPerSecond() / seconds;
}

export async function describeMachine(pool: Pool, redisUrl: string): Promise<MachineInfo> {
  const brokers = kafkaBrokerPids();
  const cmdline = brokers.length ? read(`/proc/${brokers[0]}/cmdline`) : '';
  const kafka = kafkaVersionFrom(cmdline, read(path.join(repoRoot, 'infra', 'kafka', 'pom.xml')));
  const { rows } = await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: os.totalmem() / 1024 ** 3,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    kafka: kafka
      ? `${kafka}${brokers.length ? ' (local single-node KRaft broker, infra/kafka.sh)' : ''}`
      : 'unknown (broker not started by infra/kafka.sh)',
    postgres: rows[0].v,
    redis: await redisVersion(redisUrl),
    loadAverageAtStart: os.loadavg()[0],
    otherCpuAtStart: await otherCpu(2),
  };
}
