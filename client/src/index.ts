// @metrics/client: the receiver's TypeScript client (README.md beside this folder).
export {
  createClient,
  errorList,
  MetricsClient,
  type ClientEvents,
  type ClientOptions,
  type BufferOptions,
  type Counters,
  type DroppedEvent,
  type FieldError,
  type Kind,
  type RawRequestOptions,
  type RejectedEvent,
  type RequestOptions,
  type RequestResult,
  type RetryEvent,
  type SentEvent,
} from './client';
export type { Overflow } from './channel';
export { CLIENT_ID, createIdSource, newEpoch, type IdSource } from './client-id';
export { backoffCeilingMs, isRetryableStatus, parseRetryAfter, retryDelayMs } from './backoff';
export { DEFAULT_RETRY, NO_RETRY, type AttemptReport, type RetryOptions, type SendOutcome } from './retry';
export { TransportError, type TransportFailure } from './http-transport';
export {
  fitLogMessage,
  LOG_LEVELS,
  logMessageProblem,
  logsPath,
  MAX_LOG_LINES_PER_REQUEST,
  MAX_LOG_MESSAGE_BYTES,
  MEASUREMENTS_PATH,
  measurementPath,
  type LogLevel,
  type LogLine,
  type MeasurementItem,
  type TimeInput,
} from './request-bodies';
export type { TimedOptions } from './timed';
