import { lostKafka } from './consumer-health';

const named = (name: string, cause?: unknown) => Object.assign(new Error(name), { name, cause });

describe('lostKafka', () => {
  it('when a crash wraps a refused connection or a missing coordinator at any depth, then Kafka was out of reach', () => {
    expect(lostKafka(named('KafkaJSNonRetriableError', named('KafkaJSGroupCoordinatorNotFound')))).toBe(true);
    expect(
      lostKafka(named('KafkaJSNumberOfRetriesExceeded', named('KafkaJSError', named('KafkaJSConnectionError')))),
    ).toBe(true);
    expect(lostKafka(named('KafkaJSRequestTimeoutError'))).toBe(true);
  });

  it('when a crash is a bug or a refusal, then it is not', () => {
    expect(lostKafka(new TypeError('a bug'))).toBe(false);
    expect(lostKafka(named('KafkaJSNonRetriableError', named('KafkaJSProtocolError')))).toBe(false);
    expect(lostKafka(undefined)).toBe(false);
  });
});
