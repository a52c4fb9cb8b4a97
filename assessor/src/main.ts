// Assessor entry point: configuration, PostgreSQL, migrations, app, listen, shutdown. Nothing else.
import {
  bootstrapAdminToken,
  createLifecycle,
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
  const app = createApp({ config: config.assessor, pool, registry, logger, access });
  // Registered last, so closed first: stop taking requests and answer those in flight, then close the pool.
  await startHttpServer({ app, port: config.assessor.port, host: config.assessor.host, lifecycle });
  logger.info({ port: config.assessor.port }, 'assessor listening');
});
