// The environment of the services the bench starts. Pure.
// Names (topics, groups, Redis prefix, database) are always the bench's own, so a run never touches
// the data of `make run` or of the tests. Tunable settings keep their defaults except LOG_LEVEL; a
// documented setting exported in the bench's environment (e.g. SAVER_BATCH_SIZE=10000 make bench)
// wins, and the report lists it.

export interface PhaseNames {
  readingsTopic: string;
  eventsTopic: string;
  deadLetterTopic: string;
  processorGroup: string;
  saverGroup: string;
  redisKeyPrefix: string;
}

/** Settings the bench sets itself and why (shown in the report). */
export const BENCH_SETTINGS: Readonly<Record<string, { value: string; why: string }>> = {
  LOG_LEVEL: {
    value: 'warn',
    why: 'the services log nothing per request at info either; warn keeps start-up and kafkajs chatter out of the logs',
  },
  RECEIVER_HOST: { value: '127.0.0.1', why: 'loopback only' },
  ASSESSOR_HOST: { value: '127.0.0.1', why: 'loopback only' },
};

/** Set by the bench for each phase (names, ports, database); never taken from the environment. */
export const MANAGED = [
  'KAFKA_READINGS_TOPIC',
  'KAFKA_EVENTS_TOPIC',
  'KAFKA_DEAD_LETTER_TOPIC',
  'KAFKA_ALARMS_TOPIC',
  'KAFKA_RULES_TOPIC',
  'KAFKA_LOGS_TOPIC',
  'PROCESSOR_GROUP_ID',
  'SAVER_GROUP_ID',
  'REDIS_KEY_PREFIX',
  'DATABASE_URL',
  'RECEIVER_PORT',
  'PROCESSOR_STATUS_PORT',
  'SAVER_STATUS_PORT',
  'ASSESSOR_PORT',
] as const;

/** Where the infrastructure is: passed through from the environment, not a tuning. */
const LOCATION = ['KAFKA_BROKERS', 'REDIS_URL'];

export function serviceEnvironment(
  names: PhaseNames,
  databaseUrl: string,
  processEnv: NodeJS.ProcessEnv,
  settingEnvNames: readonly string[],
): Record<string, string> {
  const env: Record<string, string> = {};
  const topicBase = names.eventsTopic.replace(/\.events$/, '');
  for (const [name, s] of Object.entries(BENCH_SETTINGS)) env[name] = processEnv[name] || s.value;
  Object.assign(env, {
    KAFKA_READINGS_TOPIC: names.readingsTopic,
    KAFKA_EVENTS_TOPIC: names.eventsTopic,
    KAFKA_DEAD_LETTER_TOPIC: names.deadLetterTopic,
    // the other topics beside the phase's events topic: a rule set stored on the shared rules topic
    // (by `make run`) would otherwise change what a bench processor counts
    KAFKA_ALARMS_TOPIC: `${topicBase}.alarms`,
    KAFKA_RULES_TOPIC: `${topicBase}.rules`,
    KAFKA_LOGS_TOPIC: `${topicBase}.logs`,
    PROCESSOR_GROUP_ID: names.processorGroup,
    SAVER_GROUP_ID: names.saverGroup,
    REDIS_KEY_PREFIX: names.redisKeyPrefix,
    DATABASE_URL: databaseUrl,
  });
  for (const name of settingEnvNames) {
    if ((MANAGED as readonly string[]).includes(name) || name in env) continue;
    const value = processEnv[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  return env;
}

/** The settings of the services worth reporting: the bench's own, and tunings taken from the environment. */
export function reportedSettings(
  processEnv: NodeJS.ProcessEnv,
  settingEnvNames: readonly string[],
  databaseName: string,
): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [name, s] of Object.entries(BENCH_SETTINGS)) {
    shown[name] =
      processEnv[name] && processEnv[name] !== s.value
        ? `${processEnv[name]} (from the environment)`
        : `${s.value}: ${s.why}`;
  }
  shown.DATABASE_URL = `database \`${databaseName}\` on the same server (created and migrated by the bench, tables truncated at start)`;
  shown['KAFKA_*_TOPIC, *_GROUP_ID, REDIS_KEY_PREFIX'] =
    'fresh per phase (`bench-<run>-<phase>.*`), deleted at the end';
  shown['ports'] = 'free ports picked per service';
  for (const name of settingEnvNames) {
    if ((MANAGED as readonly string[]).includes(name) || name in BENCH_SETTINGS || LOCATION.includes(name)) continue;
    const value = processEnv[name];
    if (value !== undefined && value !== '') shown[name] = `${value} (from the environment)`;
  }
  if (Object.keys(shown).length === 6) shown['everything else'] = 'the defaults of the README settings table';
  return shown;
}
