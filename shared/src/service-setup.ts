// The start-up steps the services' main.ts files have in common, each registering its own closer
// with the lifecycle as soon as the resource is open, so a start that fails half-way cleans up.
import type http from 'node:http';
import type { Admin, Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import type { KafkaConfig } from './config';
import { migrate } from './db/migrate';
import { isDependencyDown } from './http/app-error';
import type { ReadinessCheck } from './http/health';
import { startHttpServer } from './http/http-server';
import { createStatusApp } from './http/status-app';
import { createKafka, createProducer, ensurePipelineTopics } from './kafka';
import type { Lifecycle } from './lifecycle';
import type { Logger } from './logger';
import { retryUntilDone } from './retry';

/**
 * Runs a start-up step that needs Kafka until it succeeds, waiting while Kafka does not answer.
 * kafkajs gives up on a connection after its own retries (about 20 s): a service started during a
 * longer outage (a broker restarting under load, a cluster still electing) would exit 1, and with no
 * supervisor to start it again it would stay down. Shutdown ends the wait (the step's error is thrown).
 */
export function untilKafkaAnswers<T>(
  what: string,
  step: () => Promise<T>,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<T> {
  return retryUntilDone(step, {
    initialMs: 500,
    isRetryable: isDependencyDown,
    shouldContinue: () => !lifecycle.stopping,
    onRetry: (err, attempt, waitMs) =>
      logger.warn({ err: (err as Error).message, attempt, waitMs, step: what }, 'Kafka unavailable; retrying'),
  });
}

/** A Kafka client and a connected admin (used for /ready), with the pipeline's topics ensured. */
export async function connectKafka(
  config: KafkaConfig,
  service: string,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<{ kafka: Kafka; admin: Admin }> {
  const kafka = createKafka(config, service, logger);
  const admin = kafka.admin();
  lifecycle.onShutdown('kafka admin', () => admin.disconnect());
  await untilKafkaAnswers(
    'connect and ensure the topics',
    async () => {
      await admin.connect();
      await ensurePipelineTopics(admin, config, logger);
    },
    logger,
    lifecycle,
  );
  return { kafka, admin };
}

export async function connectProducer(kafka: Kafka, lifecycle: Lifecycle, logger: Logger): Promise<Producer> {
  const producer = createProducer(kafka, {}, logger);
  lifecycle.onShutdown('kafka producer', () => producer.disconnect());
  await untilKafkaAnswers('connect the producer', () => producer.connect(), logger, lifecycle);
  return producer;
}

/** Applies the migrations, waiting for PostgreSQL while it does not answer (a service may start first). */
export async function migrateWhenReady(pool: Pool, logger: Logger, lifecycle: Lifecycle): Promise<void> {
  await retryUntilDone(() => migrate(pool, logger), {
    isRetryable: isDependencyDown,
    shouldContinue: () => !lifecycle.stopping,
    onRetry: (err, attempt, waitMs) =>
      logger.warn({ err: (err as Error).message, attempt, waitMs }, 'PostgreSQL unavailable; retrying migrations'),
  });
}

/** The consumers' /health, /ready and /metrics server. */
export async function startStatusServer(deps: {
  checks: Record<string, ReadinessCheck>;
  registry: Registry;
  logger: Logger;
  port: number;
  lifecycle: Lifecycle;
}): Promise<http.Server> {
  return startHttpServer({
    app: createStatusApp(deps),
    port: deps.port,
    host: '0.0.0.0',
    lifecycle: deps.lifecycle,
    name: 'status server',
  });
}
