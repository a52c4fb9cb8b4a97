// docker-compose.yml kept in step with the code: the app services take only settings of
// shared/src/config.ts, publish and probe the configured ports, and start after the topics exist with
// the partition counts the services would create. The syntax is checked by the Compose validator
// (infra/validate-compose.sh) when one is installed; no Docker engine is needed for any of it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { describeSettings, loadConfig, pipelineTopics } from '../shared/src';
import { ENV_NAMES } from '../tester/src/services-config';

type Environment = Record<string, string | number | boolean | null> | string[];
type Port = string | number | { target: number; published?: number | string; host_ip?: string };

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Environment;
  ports?: Port[];
  healthcheck?: { test?: string | string[]; interval?: string; timeout?: string; retries?: number };
  restart?: string;
  depends_on?: string[] | Record<string, { condition?: string }>;
  profiles?: string[];
  init?: boolean;
  stop_grace_period?: string;
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const root = path.resolve(__dirname, '..');
const composePath = path.join(root, 'docker-compose.yml');
const compose = yaml.load(readFileSync(composePath, 'utf8')) as ComposeFile;
const services = compose.services;
const defaults = loadConfig({});

// Variables the services may be given that are not settings of config.ts.
const ENV_EXCEPTIONS = new Set(['NODE_ENV']);
const SETTING_ENVS = new Set(describeSettings().map((row) => row.env));

/** The port each app service listens on (what its healthcheck probes), from the config defaults. */
const APP_PORTS: Record<string, number> = {
  receiver: defaults.receiver.port,
  processor: defaults.processor.statusPort,
  saver: defaults.saver.statusPort,
  assessor: defaults.assessor.port,
  notifier: defaults.notifier.statusPort,
};
const APP_SERVICES = Object.keys(APP_PORTS);

function environment(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  const entries = Array.isArray(env)
    ? env.map((item) => {
        const at = item.indexOf('=');
        return at < 0 ? [item, ''] : [item.slice(0, at), item.slice(at + 1)];
      })
    : Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]);
  return Object.fromEntries(entries);
}

/** Compose's interpolation with every variable unset: ${VAR:-default} and ${VAR-default} give the default. */
function interpolateDefaults(value: string): string {
  return value
    .replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}/g, '$1')
    .replace(/\$\{[A-Za-z_][A-Za-z0-9_]*\}/g, '')
    .replace(/\$\$/g, '$');
}

function publishedPorts(service: Service): Array<{ published: number; target: number }> {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') return { published: Number(port.published), target: port.target };
    const parts = String(port).split('/')[0].split(':');
    const target = Number(parts[parts.length - 1]);
    return { published: parts.length > 1 ? Number(parts[parts.length - 2]) : target, target };
  });
}

function dependsOn(service: Service): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, d]) => [name, d?.condition ?? 'service_started']));
}

function asArray(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function seconds(duration: string | undefined): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(String(duration ?? ''));
  if (!match) return Number.NaN;
  const n = Number(match[1]);
  return match[2] === 'ms' ? n / 1000 : match[2] === 'm' ? n * 60 : n;
}

describe('docker-compose.yml app services', () => {
  test('are the five services, built from the Dockerfile, each running its own entry point', () => {
    for (const name of APP_SERVICES) {
      const service = services[name];
      expect(service).toBeDefined();
      expect(service.build).toBeDefined();
      expect(asArray(service.command)).toEqual([`dist/${name}/src/main.js`]);
    }
    expect(readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toMatch(/^ENTRYPOINT \["node"\]$/m);
  });

  test.each(APP_SERVICES)('%s is given only environment variables of shared/src/config.ts', (name) => {
    const unknown = Object.keys(environment(services[name])).filter(
      (key) => !SETTING_ENVS.has(key) && !ENV_EXCEPTIONS.has(key),
    );
    expect(unknown).toEqual([]);
  });

  test.each(APP_SERVICES)('%s environment is a valid configuration listening on its probed port', (name) => {
    const env = Object.fromEntries(
      Object.entries(environment(services[name])).map(([key, value]) => [key, interpolateDefaults(value)]),
    );
    const config = loadConfig(env);
    const port = {
      receiver: config.receiver.port,
      processor: config.processor.statusPort,
      saver: config.saver.statusPort,
      assessor: config.assessor.port,
      notifier: config.notifier.statusPort,
    }[name];
    expect(port).toBe(APP_PORTS[name]);
    expect(asArray(services[name].healthcheck?.test).join(' ')).toContain(`http://127.0.0.1:${port}/`);
  });

  test('receiver and assessor publish the ports of the config defaults (8080, 8081), and only they do', () => {
    expect(publishedPorts(services.receiver)).toEqual([{ published: 8080, target: defaults.receiver.port }]);
    expect(publishedPorts(services.assessor)).toEqual([{ published: 8081, target: defaults.assessor.port }]);
    expect(defaults.receiver.port).toBe(8080);
    expect(defaults.assessor.port).toBe(8081);
    expect(publishedPorts(services.processor)).toEqual([]);
    expect(publishedPorts(services.saver)).toEqual([]);
    expect(publishedPorts(services.notifier)).toEqual([]);
  });

  test.each(APP_SERVICES)('%s has a healthcheck, a restart policy, an init and a graceful stop', (name) => {
    const service = services[name];
    const probe = asArray(service.healthcheck?.test);
    expect(probe[0]).toBe('CMD');
    // The slim image has no curl: node itself probes.
    expect(probe.slice(1, 3)).toEqual(['node', '-e']);
    expect(service.restart).toBe('unless-stopped');
    expect(service.init).toBe(true);
    // SHUTDOWN_TIMEOUT_MS to finish and flush, plus a margin, before Docker sends SIGKILL.
    const shutdownMs = Number(environment(service).SHUTDOWN_TIMEOUT_MS ?? defaults.shutdownTimeoutMs);
    expect(seconds(service.stop_grace_period) * 1000).toBeGreaterThanOrEqual(shutdownMs + 2000);
  });

  test.each(APP_SERVICES)('%s depends on healthy infrastructure and on the topics being created', (name) => {
    const deps = dependsOn(services[name]);
    expect(Object.keys(deps).length).toBeGreaterThan(0);
    expect(deps['kafka-init']).toBe('service_completed_successfully');
    for (const [dep, condition] of Object.entries(deps)) {
      expect(services[dep]).toBeDefined();
      expect(condition).toBe(dep === 'kafka-init' ? 'service_completed_successfully' : 'service_healthy');
      if (condition === 'service_healthy') expect(services[dep].healthcheck?.test).toBeDefined();
    }
  });

  test('the consumers wait for their stores: processor for Redis, saver for PostgreSQL, notifier for both and Alertmanager', () => {
    expect(dependsOn(services.processor)).toMatchObject({ kafka: 'service_healthy', redis: 'service_healthy' });
    expect(dependsOn(services.saver)).toMatchObject({ kafka: 'service_healthy', postgres: 'service_healthy' });
    expect(dependsOn(services.assessor)).toMatchObject({ postgres: 'service_healthy' });
    expect(dependsOn(services.notifier)).toMatchObject({
      postgres: 'service_healthy',
      alertmanager: 'service_healthy',
    });
    expect(environment(services.notifier).ALERTMANAGER_URL).toBe('http://alertmanager:9093');
  });

  test('services reach Kafka on its in-network listener, PostgreSQL and Redis by service name', () => {
    const advertised = environment(services.kafka)
      .KAFKA_ADVERTISED_LISTENERS.split(',')
      .map((l) => l.split('://')[1]);
    for (const name of APP_SERVICES) {
      const env = environment(services[name]);
      for (const broker of env.KAFKA_BROKERS.split(',')) expect(advertised).toContain(broker);
      expect(new URL(interpolateDefaults(env.DATABASE_URL)).hostname).toBe('postgres');
      expect(new URL(env.REDIS_URL).hostname).toBe('redis');
    }
  });
});

describe('docker-compose.yml infrastructure', () => {
  test('kafka-init creates exactly the pipeline topics with the partitions the services would create', () => {
    const init = services['kafka-init'];
    expect(dependsOn(init)).toEqual({ kafka: 'service_healthy' });
    const script = [...asArray(init.entrypoint), ...asArray(init.command)].join('\n');
    const created = script
      .split('\n')
      .filter((line) => line.includes('kafka-topics.sh') && line.includes('--create'))
      .map((line) => {
        expect(line).toContain('--if-not-exists');
        const arg = (flag: string) => new RegExp(`${flag}[ =](\\S+)`).exec(line)?.[1];
        const configEntries = [...line.matchAll(/--config[ =]([^=\s]+)=(\S+)/g)].map(([, name, value]) => ({
          name,
          value,
        }));
        return {
          topic: arg('--topic'),
          numPartitions: Number(arg('--partitions')),
          replicationFactor: Number(arg('--replication-factor')),
          ...(configEntries.length ? { configEntries } : {}),
        };
      });
    expect(created).toEqual(pipelineTopics(defaults.kafka));
    expect(created.map((t) => t.topic)).toEqual([
      'metrics.readings',
      'metrics.events',
      'metrics.alarms',
      'metrics.logs',
      'metrics.dead-letter',
      'metrics.rules',
    ]);
    expect(defaults.kafka.partitions).toBe(6);
  });

  test('Kafka is a single KRaft node that creates no topic by itself, on a named volume', () => {
    const kafka = services.kafka;
    const env = environment(kafka);
    expect(kafka.image).toBe('apache/kafka:3.9.1');
    expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('1');
    expect(env.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).toBe('1');
    expect(env.KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS).toBe('0');
    expect(env.KAFKA_ADVERTISED_LISTENERS).toContain('://127.0.0.1:9092');
    expect(publishedPorts(kafka)).toEqual([{ published: 9092, target: 9092 }]);
    expect(kafka.ports).toEqual(['127.0.0.1:9092:9092']);
  });

  test.each([
    ['kafka', '/var/lib/kafka/data'],
    ['postgres', '/var/lib/postgresql/data'],
    ['redis', '/data'],
    ['alertmanager', '/alertmanager'],
  ])('%s keeps its data in a named volume and has a healthcheck', (name, dataDir) => {
    const service = services[name] as Service & { volumes?: string[] };
    const volume = (service.volumes ?? []).find((v) => v.endsWith(`:${dataDir}`));
    expect(volume).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(volume?.split(':')[0]);
    expect(service.healthcheck?.test).toBeDefined();
    expect(service.restart).toBe('unless-stopped');
  });

  test("Alertmanager is the official image with the local one's configuration, on the host's 9193 like infra/alertmanager.sh", () => {
    const alertmanager = services.alertmanager as Service & { volumes?: string[] };
    expect(alertmanager.image).toMatch(/^prom\/alertmanager:v\d+\.\d+\.\d+$/);
    expect(alertmanager.volumes).toContain(
      './infra/alertmanager/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro',
    );
    expect(alertmanager.ports).toEqual(['127.0.0.1:9193:9093']);
    expect(asArray(alertmanager.command)).toContain('--config.file=/etc/alertmanager/alertmanager.yml');
  });

  test('Redis persists (append-only file) and PostgreSQL holds the metrics database', () => {
    expect(asArray(services.redis.command).join(' ')).toMatch(/--appendonly yes/);
    expect(environment(services.postgres).POSTGRES_DB).toBe('metrics');
    expect(new URL(interpolateDefaults(environment(services.receiver).DATABASE_URL)).pathname).toBe('/metrics');
  });
});

describe('docker-compose.yml tester', () => {
  const tester = services.tester;

  test('runs the tester CLI under the test profile once every service is healthy', () => {
    expect(tester.profiles).toEqual(['test']);
    expect(asArray(tester.command)).toEqual(['dist/tester/src/cli.js']);
    expect(tester.restart).toBe('no');
    expect(dependsOn(tester)).toEqual(Object.fromEntries(APP_SERVICES.map((name) => [name, 'service_healthy'])));
  });

  test('is pointed at the stack with TESTER_* variables the tester documents', () => {
    const env = environment(tester);
    expect(Object.keys(env).every((key) => key.startsWith('TESTER_'))).toBe(true);
    expect(env).toMatchObject({
      TESTER_RECEIVER_HOST: 'receiver',
      TESTER_RECEIVER_PORT: String(defaults.receiver.port),
      TESTER_ASSESSOR_HOST: 'assessor',
      TESTER_ASSESSOR_PORT: String(defaults.assessor.port),
    });
    expect(Object.keys(env).filter((key) => !ENV_NAMES.includes(key))).toEqual([]);
  });
});

describe('docker-compose.yml agent', () => {
  const agent = services.agent;

  test('runs the host agent under the agent profile, on the host network, after the receiver is healthy', () => {
    expect(agent.profiles).toEqual(['agent']);
    expect(asArray(agent.command)).toEqual(['dist/agent/src/main.js']);
    expect((agent as Service & { network_mode?: string }).network_mode).toBe('host');
    expect(dependsOn(agent)).toEqual({ receiver: 'service_healthy' });
  });

  test('is given only settings of shared/src/config.ts, and they are a valid configuration', () => {
    const env = environment(agent);
    expect(Object.keys(env).filter((key) => !SETTING_ENVS.has(key) && !ENV_EXCEPTIONS.has(key))).toEqual([]);
    const config = loadConfig(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolateDefaults(v)])));
    // the receiver's published port on the host network
    expect(new URL(config.agent.receiverUrl).port).toBe(String(defaults.receiver.port));
    expect(config.agent.intervalS).toBe(defaults.agent.intervalS);
  });
});

describe('docker-compose.yml syntax', () => {
  const script = path.join(root, 'infra/validate-compose.sh');
  const which = spawnSync('bash', [script, '--which'], { encoding: 'utf8' });
  const validator = which.status === 0 ? which.stdout.trim() : undefined;
  const ci = process.env.CI === 'true';
  const run = validator || ci ? test : test.skip;
  if (!validator && !ci) {
    process.stderr.write(
      'docker-compose.test: compose syntax check skipped: no validator installed ' +
        '(apt-get install -y --no-install-recommends docker-compose)\n',
    );
  }

  run(`is valid Compose (${validator ?? 'no validator installed'})`, () => {
    if (!validator) throw new Error('CI=true but no Compose validator: apt-get install docker-compose');
    const result = spawnSync('bash', [script, composePath], { encoding: 'utf8', timeout: 60_000 });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });

  run('and the validator does reject a broken file', () => {
    if (!validator) throw new Error('CI=true but no Compose validator: apt-get install docker-compose');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'compose-'));
    try {
      const broken = path.join(dir, 'docker-compose.yml');
      writeFileSync(
        broken,
        readFileSync(composePath, 'utf8').replace(
          /condition: service_completed_successfully/,
          'condition: service_finished',
        ),
      );
      const result = spawnSync('bash', [script, broken], { encoding: 'utf8', timeout: 60_000 });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('service_finished');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
