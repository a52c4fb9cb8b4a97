// The real receiver (its express app and Kafka publisher, as receiver/src/main.ts wires them) listening
// on a free port in this process, for the client's integration tests. With `logsProducer`, POST .../logs
// too (the log publisher on the logs topic, on a producer of its own as in main.ts); with `port`, on that
// port (a test that stops the receiver and starts it again where its clients post).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import type { Config } from '../../shared/src';
import { silentLogger } from '../../test/kafka';
import { createApp } from '../../receiver/src/app';
import { createKafkaPublisher } from '../../receiver/src/kafka-publisher';
import { createLogPublisher } from '../../receiver/src/log-publisher';
import { createReceiverMetrics } from '../../receiver/src/receiver-metrics';

export interface ListeningReceiver {
  url: string;
  close(): Promise<void>;
}

export async function startReceiver(
  config: Config,
  producer: Producer,
  options: { logsProducer?: Producer; port?: number } = {},
): Promise<ListeningReceiver> {
  const registry = new Registry();
  const metrics = createReceiverMetrics(registry, () => 0);
  const publisher = createKafkaPublisher({
    producer,
    topic: config.kafka.readingsTopic,
    lingerMs: config.receiver.lingerMs,
    maxBatch: config.receiver.produceBatchMax,
    maxInFlight: config.receiver.maxInFlightReadings,
    timeoutMs: config.receiver.produceTimeoutMs,
    metrics,
  });
  const logPublisher =
    options.logsProducer &&
    createLogPublisher({ producer: options.logsProducer, topic: config.kafka.logsTopic, config: config.receiver });
  const app = createApp({
    config: config.receiver,
    publish: (r) => publisher.publishReadings(r),
    ...(logPublisher ? { publishLogs: (lines) => logPublisher.publishLogs(lines) } : {}),
    checks: {},
    registry,
    metrics,
    logger: silentLogger,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
