// Where the stack under test is: tester/resources/services.yml (or `-c file`), each value overridable
// by an environment variable named TESTER_ + its path in upper snake case (receiver.port →
// TESTER_RECEIVER_PORT, redis.keyPrefix → TESTER_REDIS_KEY_PREFIX). Pure apart from loadServicesConfig.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

export interface TesterConfig {
  receiver: { host: string; port: number };
  assessor: { host: string; port: number };
  kafka: { brokers: string[]; topics: { readings: string; events: string } };
  redis: { host: string; port: number; keyPrefix: string };
  postgres: { host: string; port: number; user: string; password: string; database: string };
  /**
   * an operator token for the alarm tests (rules, acks); '' (the default): the tester creates a
   * temporary one in PostgreSQL for the run, as `make token` would, and revokes it at the end
   */
  operatorToken: string;
  /** how long one check waits for the pipeline to settle */
  timeoutMs: number;
  /** longest run of one test */
  testTimeoutMs: number;
  logLevel: string;
}

type Kind = 'string' | 'port' | 'positiveInt' | 'list' | 'logLevel';
interface Leaf {
  path: readonly string[];
  kind: Kind;
  default?: unknown;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const LEAVES: readonly Leaf[] = [
  { path: ['receiver', 'host'], kind: 'string' },
  { path: ['receiver', 'port'], kind: 'port' },
  { path: ['assessor', 'host'], kind: 'string' },
  { path: ['assessor', 'port'], kind: 'port' },
  { path: ['kafka', 'brokers'], kind: 'list' },
  { path: ['kafka', 'topics', 'readings'], kind: 'string' },
  { path: ['kafka', 'topics', 'events'], kind: 'string' },
  { path: ['redis', 'host'], kind: 'string' },
  { path: ['redis', 'port'], kind: 'port' },
  { path: ['redis', 'keyPrefix'], kind: 'string', default: '' },
  { path: ['postgres', 'host'], kind: 'string' },
  { path: ['postgres', 'port'], kind: 'port' },
  { path: ['postgres', 'user'], kind: 'string' },
  { path: ['postgres', 'password'], kind: 'string', default: '' },
  { path: ['postgres', 'database'], kind: 'string' },
  { path: ['operatorToken'], kind: 'string', default: '' },
  { path: ['timeoutMs'], kind: 'positiveInt', default: 30000 },
  { path: ['testTimeoutMs'], kind: 'positiveInt', default: 180000 },
  { path: ['logLevel'], kind: 'logLevel', default: 'warn' },
];

export const DEFAULT_CONFIG_FILE = 'tester/resources/services.yml';

/** receiver.port → TESTER_RECEIVER_PORT, redis.keyPrefix → TESTER_REDIS_KEY_PREFIX */
export function envName(path: readonly string[]): string {
  return `TESTER_${path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_')}`;
}

/** Every environment variable the tester reads, for the help text. */
export const ENV_NAMES: readonly string[] = LEAVES.map((leaf) => envName(leaf.path));

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** File content (already parsed YAML) + environment → a checked configuration, or a ConfigError naming every problem. */
export function resolveServicesConfig(file: unknown, env: Record<string, string | undefined>): TesterConfig {
  const problems: string[] = [];
  const root = file ?? {};
  if (!isObject(root)) throw new ConfigError('the configuration file must hold a YAML mapping');
  problems.push(...unknownKeys(root, LEAVES, []));
  const result: Record<string, unknown> = {};
  for (const leaf of LEAVES) {
    const where = leaf.path.join('.');
    const name = envName(leaf.path);
    const fromEnv = env[name];
    let value: unknown;
    let problem: string | undefined;
    if (fromEnv !== undefined && fromEnv !== '') {
      [value, problem] = parseEnv(leaf.kind, fromEnv);
      if (problem) problem = `${name}=${JSON.stringify(fromEnv)}: ${problem}`;
    } else {
      const raw = get(root, leaf.path);
      if (raw === undefined || raw === null) {
        if (leaf.default === undefined) problem = `${where} is missing (set it in the file or with ${name})`;
        value = leaf.default;
      } else {
        [value, problem] = check(leaf.kind, raw);
        if (problem) problem = `${where}: ${problem}`;
      }
    }
    if (problem) problems.push(problem);
    else set(result, leaf.path, value);
  }
  if (problems.length) throw new ConfigError(`invalid tester configuration: ${problems.join('; ')}`);
  return result as unknown as TesterConfig;
}

export function loadServicesConfig(file: string, env: Record<string, string | undefined>): TesterConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the configuration file ${file}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = yaml.load(text);
  } catch (err) {
    throw new ConfigError(`${file} is not valid YAML: ${(err as Error).message}`);
  }
  try {
    return resolveServicesConfig(parsed, env);
  } catch (err) {
    throw new ConfigError(`${file}: ${(err as Error).message}`);
  }
}

function parseEnv(kind: Kind, text: string): [unknown, string | undefined] {
  switch (kind) {
    case 'list':
      return check(
        kind,
        text
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    case 'port':
    case 'positiveInt':
      return check(kind, /^\d+$/.test(text.trim()) ? Number(text.trim()) : text);
    default:
      return check(kind, text);
  }
}

function check(kind: Kind, value: unknown): [unknown, string | undefined] {
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? [value, undefined] : [undefined, 'must be a string'];
    case 'port':
      return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535
        ? [value, undefined]
        : [undefined, 'must be a port number from 1 to 65535'];
    case 'positiveInt':
      return Number.isInteger(value) && (value as number) >= 1
        ? [value, undefined]
        : [undefined, 'must be a positive integer'];
    case 'list':
      return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '')
        ? [value, undefined]
        : [undefined, 'must be a non-empty list of host:port strings'];
    case 'logLevel':
      return typeof value === 'string' && LOG_LEVELS.includes(value)
        ? [value, undefined]
        : [undefined, `must be one of ${LOG_LEVELS.join(', ')}`];
  }
}

function unknownKeys(node: Record<string, unknown>, leaves: readonly Leaf[], prefix: string[]): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    const path = [...prefix, key];
    const below = leaves.filter((l) => path.every((part, i) => l.path[i] === part));
    if (below.length === 0) problems.push(`unknown setting ${path.join('.')}`);
    else if (below.every((l) => l.path.length > path.length)) {
      if (isObject(value)) problems.push(...unknownKeys(value, below, path));
      else if (value !== null && value !== undefined) problems.push(`${path.join('.')} must be a mapping`);
    }
  }
  return problems;
}

function get(node: unknown, path: readonly string[]): unknown {
  let current = node;
  for (const part of path) {
    if (!isObject(current)) return undefined;
    current = current[part];
  }
  return current;
}

function set(node: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let current = node;
  for (const part of path.slice(0, -1)) {
    current[part] ??= {};
    current = current[part] as Record<string, unknown>;
  }
  current[path[path.length - 1]] = value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
