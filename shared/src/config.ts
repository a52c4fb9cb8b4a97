// Every setting of every service, in one convict schema: doc, default and environment variable each.
// The README's settings table is generated from this schema (`npm run settings-table`) and a test
// keeps the two in step. Services take the slices they need from the object loadConfig returns.
import convict from 'convict';
import { TOKEN_SYNTAX } from './auth/tokens';
import { type AlarmRule, parseRuleSet } from './rule-set';
import { DEFAULT_RULES } from './rules';

const port = (name: string) => (value: unknown) => {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 65535) {
    throw new Error(`${name} must be a port number from 0 to 65535`);
  }
};
const positiveInt = (value: unknown) => {
  if (!Number.isInteger(value) || (value as number) < 1) throw new Error('must be a positive integer');
};
const nonNegativeInt = (value: unknown) => {
  if (!Number.isInteger(value) || (value as number) < 0) throw new Error('must be an integer of 0 or more');
};
const nonNegativeNumber = (value: unknown) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new Error('must be a number of 0 or more');
};

const isHttpUrl = (text: string) => URL.canParse(text) && ['http:', 'https:'].includes(new URL(text).protocol);
/** An http(s) URL or empty. Errors never echo a URL (it may hold a secret; such settings are also `sensitive`). */
const httpUrlOrEmpty = (value: unknown) => {
  const text = String(value ?? '').trim();
  if (text && !isHttpUrl(text)) throw new Error('must be an http or https URL, or empty');
};
/** Comma-separated http(s) URLs; empty entries are ignored. */
convict.addFormat({
  name: 'http-url-list',
  coerce: (value: string) => value.split(','),
  validate: (value: unknown) => {
    if (!Array.isArray(value)) throw new Error('must be a list of http or https URLs');
    value.forEach((u, i) => {
      const text = String(u ?? '').trim();
      if (text && !isHttpUrl(text)) throw new Error(`entry ${i + 1} is not an http or https URL`);
    });
  },
});

/** "auto" or a positive integer (replication settings: "auto" is decided from the cluster's brokers). */
convict.addFormat({
  name: 'auto-or-positive-int',
  coerce: (value: string) => (value.trim() === 'auto' ? 'auto' : Number(value)),
  validate: (value: unknown) => {
    if (value !== 'auto' && (!Number.isInteger(value) || (value as number) < 1))
      throw new Error('must be "auto" or a positive integer');
  },
});

/** A web origin as browsers send it in the Origin header. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?$|^https?:\/\/\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

export const schema = {
  log: {
    level: {
      doc: 'pino log level: fatal, error, warn, info, debug, trace or silent',
      format: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
      env: 'LOG_LEVEL',
    },
  },
  kafka: {
    brokers: {
      doc: 'Kafka bootstrap brokers, comma-separated host:port (use 127.0.0.1 rather than localhost)',
      format: Array,
      default: ['127.0.0.1:9092'],
      env: 'KAFKA_BROKERS',
    },
    clientId: {
      doc: 'Kafka client id prefix; each service appends its name',
      format: String,
      default: 'metrics',
      env: 'KAFKA_CLIENT_ID',
    },
    readingsTopic: {
      doc: 'Topic of accepted readings (Avro, keyed by sensor id)',
      format: String,
      default: 'metrics.readings',
      env: 'KAFKA_READINGS_TOPIC',
    },
    eventsTopic: {
      doc: 'Topic of events raised by the processor (Avro, keyed by sensor id)',
      format: String,
      default: 'metrics.events',
      env: 'KAFKA_EVENTS_TOPIC',
    },
    alarmsTopic: {
      doc: 'Topic of alarm transitions (raised, updated, acknowledged, cleared; Avro, keyed by sensor id)',
      format: String,
      default: 'metrics.alarms',
      env: 'KAFKA_ALARMS_TOPIC',
    },
    rulesTopic: {
      doc: 'Compacted topic of rule-set versions (Avro, key "rules", one partition): PUT /api/v1/rules publishes each version there, the processors apply the newest',
      format: String,
      default: 'metrics.rules',
      env: 'KAFKA_RULES_TOPIC',
    },
    logsTopic: {
      doc: 'Topic of accepted log lines (Avro, keyed by sensor id)',
      format: String,
      default: 'metrics.logs',
      env: 'KAFKA_LOGS_TOPIC',
    },
    deadLetterTopic: {
      doc: 'Topic where consumers put messages they cannot decode, with the error and origin in headers',
      format: String,
      default: 'metrics.dead-letter',
      env: 'KAFKA_DEAD_LETTER_TOPIC',
    },
    partitions: {
      doc: 'Partitions of the readings and events topics when they are created (the unit of scale-out)',
      format: positiveInt,
      default: 6,
      env: 'KAFKA_PARTITIONS',
    },
    replicationFactor: {
      doc: 'Replication factor of the topics when they are created: "auto" is as many replicas as the cluster has brokers running, at most 3 (1 on a single broker), or a number',
      format: 'auto-or-positive-int',
      default: 'auto' as number | 'auto',
      env: 'KAFKA_REPLICATION_FACTOR',
    },
    minInsyncReplicas: {
      doc: 'min.insync.replicas of the topics when they are created: the replicas a reading must be on before it is acknowledged (and answered 200); "auto" is 2 with 3 replicas or more, else 1',
      format: 'auto-or-positive-int',
      default: 'auto' as number | 'auto',
      env: 'KAFKA_MIN_INSYNC_REPLICAS',
    },
    connectionTimeoutMs: {
      doc: 'Time to wait for a broker connection, in ms',
      format: positiveInt,
      default: 3000,
      env: 'KAFKA_CONNECTION_TIMEOUT_MS',
    },
    requestTimeoutMs: {
      doc: 'Time to wait for a broker response, in ms',
      format: positiveInt,
      default: 10000,
      env: 'KAFKA_REQUEST_TIMEOUT_MS',
    },
    sessionTimeoutMs: {
      doc: 'Consumer session timeout: how soon a dead consumer instance is noticed and its partitions reassigned, in ms (the broker allows 6000 and up)',
      format: positiveInt,
      default: 10000,
      env: 'KAFKA_SESSION_TIMEOUT_MS',
    },
    rebalanceTimeoutMs: {
      doc: 'Longest time consumers have to rejoin their group during a rebalance, in ms',
      format: positiveInt,
      default: 20000,
      env: 'KAFKA_REBALANCE_TIMEOUT_MS',
    },
    consumerRestartTimeoutMs: {
      doc: 'A consumer that stopped (kafkajs crash and restart) and has not rejoined its group within this time makes its service exit 1, for a supervisor to restart; a crash kafkajs will not restart exits at once. In ms',
      format: positiveInt,
      default: 60000,
      env: 'KAFKA_CONSUMER_RESTART_TIMEOUT_MS',
    },
  },
  postgres: {
    url: {
      doc: 'PostgreSQL connection URL (the database is created by `make infra-up` locally)',
      format: String,
      default: 'postgres://postgres@127.0.0.1:5432/metrics',
      env: 'DATABASE_URL',
      sensitive: true,
    },
    poolSize: {
      doc: 'Connections in each service pool',
      format: positiveInt,
      default: 10,
      env: 'PG_POOL_SIZE',
    },
  },
  redis: {
    url: {
      doc: 'Redis connection URL',
      format: String,
      default: 'redis://127.0.0.1:6379',
      env: 'REDIS_URL',
      sensitive: true,
    },
    keyPrefix: {
      doc: 'Prefix of every Redis key the processor writes (no { or }: the keys carry a Redis Cluster hash tag after it)',
      format: (value: unknown) => {
        if (typeof value !== 'string' || /[{}]/.test(value)) throw new Error('must be a string without { or }');
      },
      default: 'metrics:',
      env: 'REDIS_KEY_PREFIX',
    },
    clusterNodes: {
      doc: 'Redis Cluster seed nodes, comma-separated host:port; when set the processor uses Redis Cluster (user and password from REDIS_URL), else the single Redis of REDIS_URL',
      format: Array,
      default: [] as string[],
      env: 'REDIS_CLUSTER_NODES',
    },
  },
  receiver: {
    host: {
      doc: 'Address the receiver listens on',
      format: String,
      default: '0.0.0.0',
      env: 'RECEIVER_HOST',
    },
    port: {
      doc: 'Port of the receiver (the original deployment used 8080)',
      format: port('receiver.port'),
      default: 8080,
      env: 'RECEIVER_PORT',
    },
    bodyLimitBytes: {
      doc: 'Largest request body accepted, in bytes; larger gets 413',
      format: positiveInt,
      default: 1048576,
      env: 'RECEIVER_BODY_LIMIT_BYTES',
    },
    maxReadingsPerRequest: {
      doc: 'Most readings (metric values) in one request; more gets 400',
      format: positiveInt,
      default: 5000,
      env: 'RECEIVER_MAX_READINGS_PER_REQUEST',
    },
    lingerMs: {
      doc: 'How long concurrent requests are collected into one Kafka produce request, in ms',
      format: nonNegativeInt,
      default: 2,
      env: 'RECEIVER_LINGER_MS',
    },
    produceBatchMax: {
      doc: 'Most readings in one Kafka produce request; reaching it sends at once',
      format: positiveInt,
      default: 5000,
      env: 'RECEIVER_PRODUCE_BATCH_MAX',
    },
    maxInFlightReadings: {
      doc: 'Readings accepted but not yet acknowledged by Kafka beyond which requests get 429',
      format: positiveInt,
      default: 50000,
      env: 'RECEIVER_MAX_IN_FLIGHT_READINGS',
    },
    maxFutureSkewMs: {
      doc: 'How far in the future a reading time may be (device clocks drift), in ms',
      format: nonNegativeInt,
      default: 86400000,
      env: 'RECEIVER_MAX_FUTURE_SKEW_MS',
    },
    oldestReadingAt: {
      doc: 'Earliest reading time accepted (ISO-8601)',
      format: String,
      default: '2000-01-01T00:00:00Z',
      env: 'RECEIVER_OLDEST_READING_AT',
    },
    produceTimeoutMs: {
      doc: "Longest wait for Kafka to acknowledge a request's readings before answering 503, in ms",
      format: positiveInt,
      default: 10000,
      env: 'RECEIVER_PRODUCE_TIMEOUT_MS',
    },
    retryAfterSeconds: {
      doc: 'Retry-After sent with 429 and 503 answers, in seconds',
      format: positiveInt,
      default: 1,
      env: 'RECEIVER_RETRY_AFTER_SECONDS',
    },
    auth: {
      doc: 'off: anyone may post readings (the original behaviour); on: posting needs a sensor token (Authorization: Bearer) whose patterns cover every sensor of the request',
      format: ['off', 'on'],
      default: 'off',
      env: 'RECEIVER_AUTH',
    },
    sensorRateLimit: {
      doc: 'Readings per second each sensor may post (a token bucket in Redis, shared by every receiver); past it, 429 with Retry-After. 0: no limit, and no Redis needed',
      format: nonNegativeNumber,
      default: 0,
      env: 'RECEIVER_SENSOR_RATE_LIMIT',
    },
    sensorRateBurst: {
      doc: 'Readings a sensor may post at once above its rate (the bucket size); 0: one second of RECEIVER_SENSOR_RATE_LIMIT (at least 1)',
      format: nonNegativeInt,
      default: 0,
      env: 'RECEIVER_SENSOR_RATE_BURST',
    },
  },
  processor: {
    groupId: {
      doc: 'Consumer group of the processor instances',
      format: String,
      default: 'metrics-processor',
      env: 'PROCESSOR_GROUP_ID',
    },
    rules: {
      doc: 'Rule set as JSON (the rule set until the first version on the rules topic): threshold rules [{"metric","comparison" (>= > <= <),"threshold","warningsForEvent", and optionally "name","type","severity","sensors","clearThreshold","clearAfter"}] and silence rules {"kind":"silence","name","afterSeconds","sensors"}',
      format: (value: unknown) => {
        parseRuleSet(value);
      },
      default: DEFAULT_RULES as unknown,
      env: 'PROCESSOR_RULES',
    },
    statusPort: {
      doc: 'Port of the processor status server (/health, /ready, /metrics); 0 picks a free one',
      format: port('processor.statusPort'),
      default: 8082,
      env: 'PROCESSOR_STATUS_PORT',
    },
    retryMaxMs: {
      doc: 'Longest wait between retries of a failed Redis or Kafka operation, in ms',
      format: positiveInt,
      default: 5000,
      env: 'PROCESSOR_RETRY_MAX_MS',
    },
    silenceSweepMs: {
      doc: 'How often each processor looks for sensors a silence rule finds silent in the partitions it owns, in ms',
      format: positiveInt,
      default: 5000,
      env: 'PROCESSOR_SILENCE_SWEEP_MS',
    },
    scriptChunk: {
      doc: 'Readings applied to Redis by one Lua script call',
      format: positiveInt,
      default: 500,
      env: 'PROCESSOR_SCRIPT_CHUNK',
    },
    dedupWindowMs: {
      doc: 'A reading with a client id changes counters and events once, however often it is re-sent within this time after its first copy (receivedAt), in ms; costs Redis memory per client-id reading in the window (see "Redis memory")',
      format: positiveInt,
      default: 600000,
      env: 'PROCESSOR_DEDUP_WINDOW_MS',
    },
    redisWaitReplicas: {
      doc: 'Replicas that must hold a Redis update before its Kafka offsets are committed (WAIT), so a failover cannot lose it; auto: 1 on Redis Cluster, 0 on a single Redis',
      format: (value: unknown) => {
        if (value !== 'auto' && !/^\d+$/.test(String(value)))
          throw new Error('must be auto or an integer of 0 or more');
      },
      default: 'auto' as string | number,
      env: 'PROCESSOR_REDIS_WAIT_REPLICAS',
    },
    redisWaitTimeoutMs: {
      doc: 'Longest wait for those replicas, in ms; fewer in time: the update is retried (so the partition waits while a master has no replica)',
      format: positiveInt,
      default: 1000,
      env: 'PROCESSOR_REDIS_WAIT_TIMEOUT_MS',
    },
  },
  saver: {
    groupId: {
      doc: 'Consumer group of the saver instances',
      format: String,
      default: 'metrics-saver',
      env: 'SAVER_GROUP_ID',
    },
    batchSize: {
      doc: 'Rows that make the saver write a batch at once',
      format: positiveInt,
      default: 5000,
      env: 'SAVER_BATCH_SIZE',
    },
    flushMs: {
      doc: 'Longest time a row waits in the saver for more rows before its batch is written, in ms (rows also pile up while a write is in flight, so batches grow with the load)',
      format: positiveInt,
      default: 20,
      env: 'SAVER_FLUSH_MS',
    },
    concurrentWrites: {
      doc: 'PostgreSQL transactions a saver runs at once (rows locked in key order: transactions sharing rows wait, never deadlock)',
      format: positiveInt,
      default: 2,
      env: 'SAVER_CONCURRENT_WRITES',
    },
    retryMaxMs: {
      doc: 'Longest wait between retries of a failed PostgreSQL write, in ms',
      format: positiveInt,
      default: 5000,
      env: 'SAVER_RETRY_MAX_MS',
    },
    statusPort: {
      doc: 'Port of the saver status server (/health, /ready, /metrics); 0 picks a free one',
      format: port('saver.statusPort'),
      default: 8083,
      env: 'SAVER_STATUS_PORT',
    },
  },
  notifier: {
    groupId: {
      doc: 'Prefix of the notifier consumer groups: each notification target (Alertmanager, each webhook) is its own group, named this plus the kind and a hash of its URL',
      format: String,
      default: 'metrics-notifier',
      env: 'NOTIFIER_GROUP_ID',
    },
    statusPort: {
      doc: 'Port of the notifier status server (/health, /ready, /metrics); 0 picks a free one',
      format: port('notifier.statusPort'),
      default: 8084,
      env: 'NOTIFIER_STATUS_PORT',
    },
    alertmanagerUrl: {
      doc: 'Base URL of the Alertmanager kept up to date with the alarms (POST /api/v2/alerts); empty: none. `make run` sets http://127.0.0.1:9193, where infra/alertmanager.sh starts one',
      format: httpUrlOrEmpty,
      default: '',
      env: 'ALERTMANAGER_URL',
      sensitive: true,
    },
    alertmanagerResendS: {
      doc: "How often the active alarms (PostgreSQL) are sent to Alertmanager again, in seconds; an active alert's endsAt is 3 of these ahead, so Alertmanager resolves one by itself only when re-sending stopped that long",
      format: positiveInt,
      default: 60,
      env: 'ALERTMANAGER_RESEND_S',
    },
    webhookUrls: {
      doc: "URLs each alarm transition is POSTed to in Alertmanager's webhook format, comma-separated; empty: none",
      format: 'http-url-list',
      default: [] as string[],
      env: 'ALERT_WEBHOOK_URLS',
      sensitive: true,
    },
    timeoutMs: {
      doc: 'Longest wait for a notification target to answer one POST, in ms; past it the POST counts as failed and is retried',
      format: positiveInt,
      default: 5000,
      env: 'NOTIFIER_TIMEOUT_MS',
    },
    retryMaxMs: {
      doc: 'Longest wait between retries of a notification its target did not accept (exponential backoff with jitter from 500 ms), in ms',
      format: positiveInt,
      default: 30000,
      env: 'NOTIFIER_RETRY_MAX_MS',
    },
    newTargetStart: {
      doc: 'Where a target without committed offsets (new, or its URL changed) starts on the alarms topic: latest (transitions from now on; active alarms still reach Alertmanager by the re-send) or earliest (all the topic holds)',
      format: ['latest', 'earliest'],
      default: 'latest',
      env: 'NOTIFIER_NEW_TARGET_START',
    },
    externalUrl: {
      doc: 'Base URL of the assessor as people reach it: alerts link to <this>/api/v1/alarms/<id> (generatorURL) and webhooks carry it as externalURL',
      format: httpUrlOrEmpty,
      default: 'http://127.0.0.1:8081',
      env: 'NOTIFIER_EXTERNAL_URL',
    },
  },
  assessor: {
    host: {
      doc: 'Address the assessor listens on',
      format: String,
      default: '0.0.0.0',
      env: 'ASSESSOR_HOST',
    },
    port: {
      doc: 'Port of the assessor (the original deployment used 8081)',
      format: port('assessor.port'),
      default: 8081,
      env: 'ASSESSOR_PORT',
    },
    defaultLimit: {
      doc: 'Items in a page when the request gives no limit',
      format: positiveInt,
      default: 100,
      env: 'ASSESSOR_DEFAULT_LIMIT',
    },
    maxLimit: {
      doc: 'Most items in a page; a larger limit gets 400',
      format: positiveInt,
      default: 1000,
      env: 'ASSESSOR_MAX_LIMIT',
    },
    maxBuckets: {
      doc: 'Most statistics buckets in one answer; a longer range needs a larger bucket',
      format: positiveInt,
      default: 5000,
      env: 'ASSESSOR_MAX_BUCKETS',
    },
    queryTimeoutMs: {
      doc: 'PostgreSQL statement timeout of the assessor, in ms',
      format: positiveInt,
      default: 5000,
      env: 'ASSESSOR_QUERY_TIMEOUT_MS',
    },
    auth: {
      doc: 'off: reads are open (the original behaviour); on: reads need a viewer token. Writes (tokens, alarm acks and clears, rules) always need their role',
      format: ['off', 'on'],
      default: 'off',
      env: 'ASSESSOR_AUTH',
    },
    corsOrigins: {
      doc: 'Origins (scheme://host[:port], comma-separated) whose web pages may call the assessor API from a browser; empty: CORS off',
      format: Array,
      default: [] as string[],
      env: 'ASSESSOR_CORS_ORIGINS',
    },
    clearWaitMs: {
      doc: "How long POST /api/v1/alarms/{id}/clear waits for the processor to apply the clear (in order with the sensor's readings) and the saver to store it, in ms: 200 with the cleared alarm when it did, else 202 with the alarm as it is (the clear still takes effect)",
      format: positiveInt,
      default: 5000,
      env: 'ASSESSOR_CLEAR_WAIT_MS',
    },
    produceTimeoutMs: {
      doc: 'Longest wait for Kafka to acknowledge what an alarm action or a rule change publishes (an ack, a clear command, a rule set) before answering 503, in ms',
      format: positiveInt,
      default: 5000,
      env: 'ASSESSOR_PRODUCE_TIMEOUT_MS',
    },
    streamHeartbeatMs: {
      doc: 'A comment line is sent on every live stream (GET /api/v1/stream) this often, in ms, so proxies and load balancers do not close idle streams (keep it below their idle timeouts, often 60 s)',
      format: positiveInt,
      default: 15000,
      env: 'ASSESSOR_STREAM_HEARTBEAT_MS',
    },
    streamRetryMs: {
      doc: 'Reconnection delay the live stream tells clients to wait after it drops (the SSE retry: field), in ms',
      format: positiveInt,
      default: 3000,
      env: 'ASSESSOR_STREAM_RETRY_MS',
    },
    streamMaxClients: {
      doc: 'Live streams one assessor instance serves at once; one more is answered 429 with Retry-After. Times ASSESSOR_STREAM_CLIENT_BUFFER_BYTES, it bounds the memory slow clients can hold',
      format: positiveInt,
      default: 500,
      env: 'ASSESSOR_STREAM_MAX_CLIENTS',
    },
    streamClientBufferBytes: {
      doc: 'Most bytes a live-stream client may have waiting (its socket not taking them) before it is disconnected as too slow, in bytes (256 KiB: some 2,500 readings)',
      format: positiveInt,
      default: 262144,
      env: 'ASSESSOR_STREAM_CLIENT_BUFFER_BYTES',
    },
    streamGroupPrefix: {
      doc: "Prefix of the consumer group of each assessor instance's live-stream consumer (the instance adds its host, pid and a random part; it starts at the latest offsets and commits nothing)",
      format: String,
      default: 'metrics-assessor-stream',
      env: 'ASSESSOR_STREAM_GROUP_PREFIX',
    },
  },
  agent: {
    receiverUrl: {
      doc: 'Receiver the host agent posts to',
      format: (value: unknown) => {
        if (!isHttpUrl(String(value ?? '').trim())) throw new Error('must be an http or https URL');
      },
      default: 'http://127.0.0.1:8080',
      env: 'AGENT_RECEIVER_URL',
    },
    token: {
      doc: 'Sensor token of the agent (needed when the receiver runs with RECEIVER_AUTH=on); empty: none',
      format: String,
      default: '',
      env: 'AGENT_TOKEN',
      sensitive: true,
    },
    sensorId: {
      doc: 'Sensor id of the host agent readings and log lines; empty: the host name, its characters outside A-Z a-z 0-9 . _ : - made "-"',
      format: (value: unknown) => {
        if (value !== '' && !/^[A-Za-z0-9._:-]{1,128}$/.test(String(value)))
          throw new Error('must be 1 to 128 characters of A-Z a-z 0-9 . _ : -, or empty');
      },
      default: '',
      env: 'AGENT_SENSOR_ID',
    },
    intervalS: {
      doc: "Seconds between two samples of the host's metrics",
      format: positiveInt,
      default: 10,
      env: 'AGENT_INTERVAL_S',
    },
    logFiles: {
      doc: 'Log files the agent follows (comma-separated paths, as tail -F: a file there at the first start from its end, files created or rotated later from their start)',
      format: Array,
      default: [] as string[],
      env: 'AGENT_LOG_FILES',
    },
    logPollMs: {
      doc: 'How often the agent looks at its log files for new lines, rotation and truncation, in ms',
      format: positiveInt,
      default: 1000,
      env: 'AGENT_LOG_POLL_MS',
    },
    stateDir: {
      doc: "Folder of the agent's saved log positions (one JSON file per sensor id), relative to the working directory",
      format: String,
      default: '.run/agent',
      env: 'AGENT_STATE_DIR',
    },
  },
  client: {
    maxItems: {
      doc: 'Readings (log lines) per request of the client library in the agent; reaching it sends at once',
      format: positiveInt,
      default: 1000,
      env: 'CLIENT_MAX_ITEMS',
    },
    maxWaitMs: {
      doc: 'Longest a reading waits in the client library (agent) before its batch is sent, in ms',
      format: positiveInt,
      default: 1000,
      env: 'CLIENT_MAX_WAIT_MS',
    },
  },
  auth: {
    adminToken: {
      doc: 'The admin token (22 or more characters of A-Z a-z 0-9 - . _ ~ + /), instead of one generated into METRICS_STATE_DIR at the first start',
      format: String,
      default: '',
      env: 'METRICS_ADMIN_TOKEN',
      sensitive: true,
    },
    failedChecksPerMinute: {
      doc: 'Failed token checks one client address may make per minute before its requests get 429 (so tokens cannot be guessed at speed); 0: no limit',
      format: nonNegativeInt,
      default: 30,
      env: 'AUTH_FAILED_CHECKS_PER_MINUTE',
    },
  },
  stateDir: {
    doc: "Folder of the services' own state (the generated admin token, mode 0600), relative to the working directory",
    format: String,
    default: '.run',
    env: 'METRICS_STATE_DIR',
  },
  shutdownTimeoutMs: {
    doc: 'Time a service has on SIGTERM to finish and flush what it took before it exits non-zero, in ms',
    format: positiveInt,
    default: 15000,
    env: 'SHUTDOWN_TIMEOUT_MS',
  },
  configFile: {
    doc: 'Optional JSON file with any of these settings (environment variables win)',
    format: String,
    default: '',
    env: 'METRICS_CONFIG_FILE',
  },
};

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  readingsTopic: string;
  eventsTopic: string;
  alarmsTopic: string;
  rulesTopic: string;
  logsTopic: string;
  deadLetterTopic: string;
  partitions: number;
  replicationFactor: number | 'auto';
  minInsyncReplicas: number | 'auto';
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  consumerRestartTimeoutMs: number;
}

export interface RedisConfig {
  url: string;
  keyPrefix: string;
  /** host:port of Redis Cluster seed nodes; empty: a single Redis at url */
  clusterNodes: string[];
}

export interface Config {
  log: { level: string };
  kafka: KafkaConfig;
  postgres: { url: string; poolSize: number };
  redis: RedisConfig;
  receiver: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    maxReadingsPerRequest: number;
    lingerMs: number;
    produceBatchMax: number;
    maxInFlightReadings: number;
    maxFutureSkewMs: number;
    oldestReadingAt: string;
    produceTimeoutMs: number;
    retryAfterSeconds: number;
    auth: 'off' | 'on';
    sensorRateLimit: number;
    sensorRateBurst: number;
  };
  processor: {
    groupId: string;
    rules: AlarmRule[];
    statusPort: number;
    retryMaxMs: number;
    silenceSweepMs: number;
    scriptChunk: number;
    dedupWindowMs: number;
    /** 'auto' or a count (see redisWaitReplicas()) */
    redisWaitReplicas: string | number;
    redisWaitTimeoutMs: number;
  };
  saver: {
    groupId: string;
    batchSize: number;
    flushMs: number;
    concurrentWrites: number;
    retryMaxMs: number;
    statusPort: number;
  };
  notifier: {
    groupId: string;
    statusPort: number;
    /** '' when there is no Alertmanager */
    alertmanagerUrl: string;
    alertmanagerResendS: number;
    webhookUrls: string[];
    timeoutMs: number;
    retryMaxMs: number;
    newTargetStart: 'latest' | 'earliest';
    externalUrl: string;
  };
  assessor: {
    host: string;
    port: number;
    defaultLimit: number;
    maxLimit: number;
    maxBuckets: number;
    queryTimeoutMs: number;
    auth: 'off' | 'on';
    corsOrigins: string[];
    clearWaitMs: number;
    produceTimeoutMs: number;
    streamHeartbeatMs: number;
    streamRetryMs: number;
    streamMaxClients: number;
    streamClientBufferBytes: number;
    streamGroupPrefix: string;
  };
  agent: {
    receiverUrl: string;
    token: string;
    /** '' for the host name (see agentSensorId in agent/) */
    sensorId: string;
    intervalS: number;
    logFiles: string[];
    logPollMs: number;
    stateDir: string;
  };
  client: { maxItems: number; maxWaitMs: number };
  auth: { adminToken: string; failedChecksPerMinute: number };
  stateDir: string;
  shutdownTimeoutMs: number;
}

/**
 * Validates every setting (unknown keys in a config file are errors) and returns a frozen, typed object.
 * `env` is passed in rather than read from process.env so tests can build any configuration.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const conf = convict(schema, { env, args: [] });
  const file = conf.get('configFile');
  if (file) conf.loadFile(file);
  conf.validate({ allowed: 'strict' });
  const props = conf.getProperties() as unknown as Config & { configFile: string };
  if (Number.isNaN(Date.parse(props.receiver.oldestReadingAt))) {
    throw new Error('receiver.oldestReadingAt (RECEIVER_OLDEST_READING_AT) must be an ISO-8601 date-time');
  }
  const { configFile: _file, ...config } = props;
  if (config.auth.adminToken && !TOKEN_SYNTAX.test(config.auth.adminToken)) {
    throw new Error(
      'auth.adminToken (METRICS_ADMIN_TOKEN) must be 22 to 512 characters of A-Z a-z 0-9 - . _ ~ + / (at least 128 bits)',
    );
  }
  const corsOrigins = config.assessor.corsOrigins.map((o) => o.trim()).filter(Boolean);
  const badOrigin = corsOrigins.find((o) => !ORIGIN.test(o));
  if (badOrigin !== undefined) {
    throw new Error(
      `assessor.corsOrigins (ASSESSOR_CORS_ORIGINS): "${badOrigin}" is not an origin (scheme://host[:port], no path)`,
    );
  }
  return deepFreeze({
    ...config,
    assessor: { ...config.assessor, corsOrigins },
    kafka: { ...config.kafka, brokers: config.kafka.brokers.map((b) => b.trim()).filter(Boolean) },
    agent: { ...config.agent, logFiles: config.agent.logFiles.map((f) => f.trim()).filter(Boolean) },
    redis: { ...config.redis, clusterNodes: config.redis.clusterNodes.map((n) => n.trim()).filter(Boolean) },
    processor: { ...config.processor, rules: parseRuleSet(config.processor.rules) },
  });
}

/** The replicas the processor WAITs for: PROCESSOR_REDIS_WAIT_REPLICAS resolved ('auto': 1 on Cluster, else 0). */
export function redisWaitReplicas(config: Pick<Config, 'redis' | 'processor'>): number {
  const setting = config.processor.redisWaitReplicas;
  if (setting === 'auto') return config.redis.clusterNodes.length > 0 ? 1 : 0;
  return Number(setting);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Every setting as [key, env, default, doc], for the README table and its test. */
export function describeSettings(): Array<{ key: string; env: string; default: unknown; doc: string }> {
  const rows: Array<{ key: string; env: string; default: unknown; doc: string }> = [];
  const walk = (node: Record<string, unknown>, prefix: string) => {
    for (const [name, child] of Object.entries(node)) {
      const c = child as Record<string, unknown>;
      if ('doc' in c && 'default' in c) {
        rows.push({ key: prefix + name, env: c.env as string, default: c.default, doc: c.doc as string });
      } else {
        walk(c, `${prefix}${name}.`);
      }
    }
  };
  walk(schema as unknown as Record<string, unknown>, '');
  return rows;
}
