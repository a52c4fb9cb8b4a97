// Assessor entry point: configuration, PostgreSQL, migrations, Kafka (in the background), app, listen,
// shutdown. Nothing else.
import {
  bootstrapAdminToken,
  createLifecycle,
  createKafka,
  createLogger,
  createPool,
  createRegistry,
  createTokenStore,
  loadConfig,
  migrateWhenReady,
  runService,
  startHttpServer,
} from '../../shared/src';
import { createApp } from './app';
import { createAssessorAccess } from './assessor-access';
import { createLiveStreams, liveStreamSettings } from './live-stream';
import { createStreamMetrics } from './stream-metrics';
import { createStreamSource, streamGroupId } from './stream-source';
import { connectKafkaInBackground } from './kafka-link';
import { createPublisher } from './publisher';

const config = loadConfig();
const logger = createLogger({ name: 'assessor', level: config.log.level });
const lifecycle = createLifecycle(logger, config.shutdownTimeoutMs);

runService(logger, lifecycle, async () => {
  // Migrations run on a connection of their own, without the statement timeout of the queries.
  const migrationPool = createPool({ ...config.postgres, poolSize: 1 }, logger);
  try {
    await migrateWhenReady(migrationPool, logger, lifecycle);
    await bootstrapAdminToken({
      store: createTokenStore(migrationPool),
      stateDir: config.stateDir,
      adminToken: config.auth.adminToken,
      logger,
    });
  } finally {
    await migrationPool.end();
  }

  const pool = createPool(config.postgres, logger, { statement_timeout: config.assessor.queryTimeoutMs });
  lifecycle.onShutdown('postgres pool', () => pool.end());

  const registry = createRegistry('assessor');
  const access = createAssessorAccess({
    pool,
    auth: config.assessor.auth,
    corsOrigins: config.assessor.corsOrigins,
    failedChecksPerMinute: config.auth.failedChecksPerMinute,
  });
  // The live streams and the consumer that feeds them. Started now rather than at the first client: a
  // new consumer group takes seconds to join, and a stream should be live the moment it is answered;
  // with no client, readings are skipped by their key, undecoded. Kafka down: retried in the background.
  const streamMetrics = createStreamMetrics(registry);
  const streams = createLiveStreams({ settings: liveStreamSettings(config.assessor), metrics: streamMetrics, logger });
  const streamSource = createStreamSource({
    kafka: createKafka(config.kafka, 'assessor-stream', logger),
    config: config.kafka,
    groupId: streamGroupId(config.assessor.streamGroupPrefix),
    sink: streams,
    metrics: streamMetrics,
    logger,
  });
  streamSource.start();
  lifecycle.onShutdown('stream consumer', () => streamSource.stop());
  const kafka = connectKafkaInBackground(config.kafka, logger, lifecycle);
  const app = createApp({
    config: config.assessor,
    pool,
    registry,
    logger,
    access,
    streams,
    publisher: createPublisher({ ...kafka, timeoutMs: config.assessor.produceTimeoutMs }),
    topics: { readings: config.kafka.readingsTopic, alarms: config.kafka.alarmsTopic, rules: config.kafka.rulesTopic },
    configuredRules: config.processor.rules,
  });
  // Registered last, so closed first: stop taking requests and answer those in flight, then close the pool.
  await startHttpServer({ app, port: config.assessor.port, host: config.assessor.host, lifecycle });
  // Registered after the server, so run before it closes: open streams end at once (their clients
  // reconnect elsewhere after the retry hint), and the server does not wait for them.
  lifecycle.onShutdown('live streams', () => streams.close());
  logger.info({ port: config.assessor.port }, 'assessor listening');
});
