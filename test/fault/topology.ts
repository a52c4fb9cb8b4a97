// Where the fault suite runs and which infrastructure faults it can inject there.
//  - single (the default, `make fault`): the shared single broker and Redis; the broker restarts
//    (infra/kafka.sh restart) when it is ours, PostgreSQL restarts when it is the machine's cluster.
//  - cluster (FAULT_CLUSTER=1, `make fault-cluster`): the 3-broker KRaft cluster of
//    `KAFKA_LOCAL_NODES=3 infra/kafka.sh` (replication 3, min.insync.replicas 2) and the local Redis
//    Cluster of infra/redis-cluster.sh (3 masters, 3 replicas); a broker is SIGKILLed and restarted,
//    a Redis master is failed over to its replica (planned) or SIGKILLed (its replica is promoted, it
//    comes back as a replica), PostgreSQL restarts as above.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const repo = path.resolve(__dirname, '..', '..');
const kafkaScript = path.join(repo, 'infra', 'kafka.sh');
const redisClusterScript = path.join(repo, 'infra', 'redis-cluster.sh');
const CLUSTER_NODES = '3';

/** The run's seeded choices: a random item, a random pause (how long a fault lasts is part of the fault). */
export interface Chance {
  pick<T>(items: T[]): T;
  pause(minMs: number, maxMs: number): Promise<void>;
}

export interface InfrastructureFault {
  kind: string;
  /** injects the fault and returns once it is over (restarted, failed over); returns what it did */
  inject(chance: Chance): Promise<string>;
}

export interface Topology {
  form: 'single' | 'cluster';
  /** configuration overrides of the test and of the services (brokers, Redis Cluster nodes) */
  env: Record<string, string>;
  faults: InfrastructureFault[];
}

function run(file: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync(file, args, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A fault's command, without blocking the event loop: the load goes on while the broker restarts. */
function runAsync(file: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: { ...process.env, ...env }, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(file)} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function succeeds(file: string, args: string[], env: Record<string, string> = {}): boolean {
  try {
    run(file, args, env);
    return true;
  } catch {
    return false;
  }
}

function localPostgresCluster(): string | undefined {
  if (process.env.FAULT_RESTART_POSTGRES === '0' || !existsSync('/etc/postgresql')) return undefined;
  if (!/@(127\.0\.0\.1|localhost)(:5432)?\//.test(process.env.DATABASE_URL ?? '')) return undefined;
  return readdirSync('/etc/postgresql').sort().pop();
}

function postgresRestart(): InfrastructureFault[] {
  const pgCluster = localPostgresCluster();
  if (!pgCluster) return [];
  return [
    {
      kind: 'restart PostgreSQL',
      inject: async () => {
        await runAsync('pg_ctlcluster', ['--skip-systemctl-redirect', pgCluster, 'main', 'restart']);
        return 'restart PostgreSQL';
      },
    },
  ];
}

export function singleNode(): Topology {
  const kafkaLocal = succeeds(kafkaScript, ['status']);
  return {
    form: 'single',
    env: {},
    faults: [
      ...(kafkaLocal
        ? [
            {
              kind: 'restart Kafka',
              inject: async () => {
                await runAsync(kafkaScript, ['restart']);
                return 'restart Kafka broker';
              },
            },
          ]
        : []),
      ...postgresRestart(),
    ],
  };
}

/** Why the cluster form cannot run here, or undefined when the clusters answer. */
export function clusterMissing(): string | undefined {
  const kafkaEnv = { KAFKA_LOCAL_NODES: CLUSTER_NODES };
  if (!existsSync(redisClusterScript)) return `${path.relative(repo, redisClusterScript)} is missing`;
  if (!succeeds(kafkaScript, ['status'], kafkaEnv))
    return 'the 3-broker Kafka cluster is not running (KAFKA_LOCAL_NODES=3 infra/kafka.sh start; make fault-cluster starts it)';
  if (!succeeds(redisClusterScript, ['status']))
    return 'the local Redis Cluster is not running (infra/redis-cluster.sh start; make fault-cluster starts it)';
  return undefined;
}

async function masters(): Promise<string[]> {
  const ports = (await runAsync(redisClusterScript, ['masters'])).split('\n').filter(Boolean);
  if (ports.length === 0) throw new Error('infra/redis-cluster.sh masters named no master');
  return ports;
}

export function cluster(): Topology {
  const kafkaEnv = { KAFKA_LOCAL_NODES: CLUSTER_NODES };
  const brokers = run(kafkaScript, ['brokers'], kafkaEnv).trim();
  const redisNodes = run(redisClusterScript, ['nodes']).trim();
  const nodeCount = brokers.split(',').length;
  return {
    form: 'cluster',
    // topics on every broker (min.insync.replicas 2, set on them): acks=-1 means two copies at least
    env: { KAFKA_BROKERS: brokers, KAFKA_REPLICATION_FACTOR: '3', REDIS_CLUSTER_NODES: redisNodes },
    faults: [
      {
        kind: 'SIGKILL a Kafka broker',
        inject: async ({ pick, pause }) => {
          const node = String(pick(Array.from({ length: nodeCount }, (_, i) => i + 1)));
          await runAsync(kafkaScript, ['kill-node', node], kafkaEnv);
          // the partitions it led move to the other two (min.insync.replicas 2 still holds) while it is down
          await pause(1000, 5000);
          await runAsync(kafkaScript, ['start-node', node], kafkaEnv);
          return `SIGKILL Kafka broker ${node}, restarted`;
        },
      },
      {
        // planned: the replica takes over once in sync (CLUSTER FAILOVER), clients get MOVED
        kind: 'fail over a Redis master',
        inject: async ({ pick }) => {
          const port = pick(await masters());
          await runAsync(redisClusterScript, ['failover', port]);
          return `Redis master ${port} failed over to its replica`;
        },
      },
      {
        // a crash: what the master had not yet replicated is gone, unless the processor WAITed for it
        kind: 'SIGKILL a Redis master',
        inject: async ({ pick }) => {
          const port = pick(await masters());
          await runAsync(redisClusterScript, ['crash', port]);
          return `SIGKILL Redis master ${port}, replica promoted, old master back as its replica`;
        },
      },
      ...postgresRestart(),
    ],
  };
}
