// Builds the consumers (processor, saver) in-process on the test infrastructure exactly as their
// main.ts does (createProcessorFromConfig, createSaverFromConfig), so integration tests drive real
// Kafka, Redis and PostgreSQL through them.
import Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { type Config, createConsumer, createPool, createProducer, type RedisClient } from '../shared/src';
import { createProcessorFromConfig } from '../processor/src/processor';
import { createProcessorMetrics } from '../processor/src/processor-metrics';
import { createLogSaverFromConfig, logsGroupId } from '../saver/src/log-saver';
import { createSaverFromConfig } from '../saver/src/saver';
import { createSaverMetrics, type SaverMetrics } from '../saver/src/saver-metrics';
import { silentLogger } from './kafka';

export interface Running {
  stop(): Promise<void>;
}

export async function startProcessor(
  config: Config,
  kafka: Kafka,
  options: { redis?: RedisClient; clock?: () => number } = {},
): Promise<Running & { sweepNow(): Promise<void> }> {
  const redis: RedisClient = options.redis ?? new Redis(config.redis.url, { maxRetriesPerRequest: 2 });
  const producer = createProducer(kafka);
  await producer.connect();
  const consumer = createConsumer(kafka, config.kafka, config.processor.groupId);
  await consumer.connect();
  const processor = createProcessorFromConfig(config, {
    consumer,
    producer,
    redis,
    kafka,
    clock: options.clock,
    metrics: createProcessorMetrics(new Registry()),
    logger: silentLogger,
  });
  await processor.start();
  return {
    sweepNow: () => processor.sweepNow(),
    async stop() {
      await processor.stop();
      await producer.disconnect();
      if (!options.redis) redis.disconnect();
    },
  };
}

export async function startSaver(
  config: Config,
  kafka: Kafka,
  options: { pool?: Pool } = {},
): Promise<Running & { metrics: SaverMetrics }> {
  const pool = options.pool ?? createPool(config.postgres, silentLogger);
  const producer = createProducer(kafka);
  await producer.connect();
  const consumer = createConsumer(kafka, config.kafka, config.saver.groupId);
  await consumer.connect();
  const metrics = createSaverMetrics(new Registry());
  const saver = createSaverFromConfig(config, { consumer, producer, pool, metrics, logger: silentLogger });
  await saver.start();
  return {
    metrics,
    async stop() {
      await saver.stop();
      await producer.disconnect();
      if (!options.pool) await pool.end();
    },
  };
}

/** The saver's log lines (saver/src/log-saver.ts), started apart: most tests need no logs consumer. */
export async function startLogSaver(
  config: Config,
  kafka: Kafka,
  options: { pool?: Pool } = {},
): Promise<Running & { metrics: SaverMetrics }> {
  const pool = options.pool ?? createPool(config.postgres, silentLogger);
  const producer = createProducer(kafka);
  await producer.connect();
  const consumer = createConsumer(kafka, config.kafka, logsGroupId(config.saver.groupId));
  await consumer.connect();
  const metrics = createSaverMetrics(new Registry());
  const saver = createLogSaverFromConfig(config, { consumer, producer, pool, metrics, logger: silentLogger });
  await saver.start();
  return {
    metrics,
    async stop() {
      await saver.stop();
      await producer.disconnect();
      if (!options.pool) await pool.end();
    },
  };
}
