// What a test module in tester/tests/ exports (as its default export), and what it gets to work with.
import type Redis from 'ioredis';
import type { Pool, QueryResultRow } from 'pg';
import type { Logger, Reading, SensorEvent } from '../../shared/src';
import type { HttpService } from './http-service';
import type { TesterConfig } from './services-config';
import type { TopicReader } from './topic-reader';

export interface Test {
  /** what `-t` selects it by, and what the report prints */
  name: string;
  description: string;
  /** resolves when the test passes; throws an Error whose message is the reason when it fails */
  run(ctx: TestContext): Promise<void>;
}

export interface TestContext {
  config: TesterConfig;
  logger: Logger;
  receiver: HttpService;
  assessor: HttpService;
  /** the readings topic, Avro-decoded */
  readings: TopicReader<Reading>;
  /** the events topic, Avro-decoded */
  events: TopicReader<SensorEvent>;
  /** raw clients, connected lazily; prefer query() and warningCounters(), which fail fast and clearly */
  redis: Redis;
  pg: Pool;
  /** a PostgreSQL query; a connection failure is a DependencyError */
  query<R extends QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  /** the processor's warning counters of a sensor by metric (from its state hash, warningsKey), {} when absent */
  warningCounters(sensorId: string): Promise<Record<string, string>>;
  /** the Redis key of a sensor's state hash, `<keyPrefix>{<readings topic>:<partition>}:sensor:<id>` */
  warningsKey(sensorId: string): Promise<string>;
  /** waitUntil with the configured timeout: the value once `accept` holds, else an Error with the last value */
  waitUntil<T>(read: () => Promise<T> | T, accept: (value: T) => boolean, what: string): Promise<T>;
  /** waits until `read` returns a value deeply equal to `expected` */
  waitForEqual<T>(read: () => Promise<T> | T, expected: T, what: string): Promise<T>;
  /**
   * Work to do once the run is over (restoring the rule set, revoking a temporary token), newest
   * first, even when tests failed or the run was interrupted; a cleanup that fails is reported.
   */
  defer(what: string, cleanup: () => Promise<void>): void;
}
