// Host agent entry point: configuration, the agent, shutdown. Nothing else.
import os from 'node:os';
// the modules themselves, not the shared/src index: it loads kafkajs, pg, ioredis and express, which
// the agent does not use (they would double its memory)
import { loadConfig } from '../../shared/src/config';
import { createLifecycle, runService } from '../../shared/src/lifecycle';
import { createLogger } from '../../shared/src/logger';
import { startAgent } from './agent';
import { sensorIdFromHostname } from './metric-names';

const config = loadConfig();
const logger = createLogger({ name: 'agent', level: config.log.level });
const lifecycle = createLifecycle(logger, config.shutdownTimeoutMs);

runService(logger, lifecycle, async () => {
  const a = config.agent;
  const agent = await startAgent({
    receiverUrl: a.receiverUrl,
    token: a.token || undefined,
    sensorId: a.sensorId || sensorIdFromHostname(os.hostname()),
    intervalMs: a.intervalS * 1000,
    logFiles: a.logFiles,
    logPollMs: a.logPollMs,
    stateDir: a.stateDir,
    maxItems: config.client.maxItems,
    maxWaitMs: config.client.maxWaitMs,
    logger,
    // what is buffered gets the shutdown deadline less a margin to exit in
    clientOptions: { closeTimeoutMs: Math.max(1000, config.shutdownTimeoutMs - 2000) },
  });
  lifecycle.onShutdown('agent', () => agent.stop());
});
