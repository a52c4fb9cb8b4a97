// The local 3-broker KRaft cluster of `KAFKA_LOCAL_NODES=3 infra/kafka.sh` for integration tests that
// need replication: started when it is not running (and left running, like the single broker: starting
// is the slow part; `make infra-cluster-down` stops it), brokers killed and restarted by node number.
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';

const script = path.resolve(__dirname, '..', 'infra', 'kafka.sh');
const env = () => ({ ...process.env, KAFKA_LOCAL_NODES: '3' });

/** A cold start of three JVMs takes 15-30 s on a busy 2-core machine: a beforeAll's timeout. */
export const CLUSTER_START_TIMEOUT_MS = 180_000;

export interface LocalKafkaCluster {
  /** host:port of every node, the KAFKA_BROKERS string */
  brokers: string;
  /** SIGKILL node n (1-3) and wait until it is gone */
  killNode(n: number): Promise<void>;
  /** starts every node that is not running and waits until each answers */
  startAll(): Promise<void>;
}

function kafkaScript(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(script, args, { env: env(), encoding: 'utf8' }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`infra/kafka.sh ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve();
    });
  });
}

export async function localKafkaCluster(): Promise<LocalKafkaCluster> {
  await kafkaScript(['start']);
  return {
    brokers: execFileSync(script, ['brokers'], { env: env(), encoding: 'utf8' }).trim(),
    killNode: (n) => kafkaScript(['kill-node', String(n)]),
    startAll: () => kafkaScript(['start']),
  };
}
