// Builds the consumers (processor, saver) in-process on the test infrastructure, the way their
// main.ts does, so integration tests drive real Kafka, Redis and PostgreSQL through them.
import Redis from 'ioredis';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { createProcessor } from '../processor/src/processor';
import { createProcessorMetrics } from '../processor/src/processor-metrics';
import { createStreakStore, type StreakStore } from '../processor/src/streak-store';
import { createSaver } from '../saver/src/saver';
import { createSaverMetrics, type SaverMetrics } from '../saver/src/saver-metrics';
import { type Config, createConsumer, createPool, createProducer } from '../shared/src';
import { silentLogger } from './kafka';

export interface Running {
  stop(): Promise<void>;
}

export async function startProcessor(
  config: Config,
  kafka: Kafka,
  options: { redis?: Redis } = {},
): Promise<Running & { store: StreakStore; redis: Redis }> {
  const redis = options.redis ?? new Redis(config.redis.url, { maxRetriesPerRequest: 2 });
  const producer = createProducer(kafka);
  await producer.connect();
  const store = createStreakStore({
    redis,
    producer,
    keyPrefix: config.redis.keyPrefix,
    readingsTopic: config.kafka.readingsTopic,
    eventsTopic: config.kafka.eventsTopic,
  });
  const consumer = createConsumer(kafka, config.kafka, config.processor.groupId);
  await consumer.connect();
  const processor = createProcessor({
    consumer,
    producer,
    store,
    rules: config.processor.rules,
    readingsTopic: config.kafka.readingsTopic,
    deadLetterTopic: config.kafka.deadLetterTopic,
    groupId: config.processor.groupId,
    chunkSize: config.processor.scriptChunk,
    partitions: config.kafka.partitions,
    retryMaxMs: 500,
    metrics: createProcessorMetrics(new Registry()),
    logger: silentLogger,
  });
  await processor.start();
  return {
    store,
    redis,
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
  const producer: Producer = createProducer(kafka);
  await producer.connect();
  const consumer = createConsumer(kafka, config.kafka, config.saver.groupId);
  await consumer.connect();
  const metrics = createSaverMetrics(new Registry());
  const saver = createSaver({
    consumer,
    producer,
    pool,
    readingsTopic: config.kafka.readingsTopic,
    eventsTopic: config.kafka.eventsTopic,
    deadLetterTopic: config.kafka.deadLetterTopic,
    groupId: config.saver.groupId,
    batchSize: config.saver.batchSize,
    flushMs: config.saver.flushMs,
    concurrentWrites: config.saver.concurrentWrites,
    retryMaxMs: 500,
    metrics,
    logger: silentLogger,
  });
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
