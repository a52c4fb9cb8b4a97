// The one error type the HTTP services answer with, and its translation table to status codes.
// Foreign errors (body-parser, kafkajs, pg, ioredis) are turned into it by toAppError.

export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  OVERLOADED: 429,
  /** a sensor over RECEIVER_SENSOR_RATE_LIMIT, or an address that failed too many token checks */
  RATE_LIMITED: 429,
  DEPENDENCY_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  field: string;
  message: string;
  /** position in a batch request */
  index?: number;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly details: FieldError[],
    options: { cause?: unknown; retryAfterSeconds?: number; errorCount?: number } = {},
  ) {
    super(details.map((d) => `${d.field}: ${d.message}`).join('; ') || code, { cause: options.cause });
    this.status = ERROR_STATUS[code];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.errorCount = Math.max(options.errorCount ?? 0, details.length);
  }
  readonly retryAfterSeconds?: number;
  /** every error found, when `details` holds only the first of them (http/error-list.ts) */
  readonly errorCount: number;

  /** 429 and 503 tell the client to come back; the others will fail again unchanged. */
  get retryable(): boolean {
    return this.status === 429 || this.status === 503;
  }
}

/** A 400; `errorCount` when `details` lists only the first of the errors found. */
export const validationError = (details: FieldError[], errorCount?: number) =>
  new AppError('VALIDATION_FAILED', details, { errorCount });

/** body-parser's error types (see its README) → our codes. */
const BODY_PARSER_ERRORS: Record<string, { code: ErrorCode; field: string; message: string }> = {
  'entity.too.large': { code: 'BODY_TOO_LARGE', field: 'body', message: 'request body is too large' },
  'entity.parse.failed': { code: 'VALIDATION_FAILED', field: 'body', message: 'body is not valid JSON' },
  'entity.verify.failed': { code: 'VALIDATION_FAILED', field: 'body', message: 'body is not valid UTF-8' },
  'encoding.unsupported': {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    field: 'content-encoding',
    message: 'unsupported content encoding',
  },
  'charset.unsupported': {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    field: 'content-type',
    message: 'unsupported charset; use utf-8',
  },
  'request.aborted': { code: 'VALIDATION_FAILED', field: 'body', message: 'request was aborted' },
  'request.size.invalid': {
    code: 'VALIDATION_FAILED',
    field: 'body',
    message: 'body size does not match content-length',
  },
  'stream.encoding.set': { code: 'INTERNAL', field: 'body', message: 'request stream misconfigured' },
};

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  // express: a path parameter with broken percent-encoding (/sensors/%E0%A4%A/...)
  if (err instanceof URIError) {
    return new AppError('VALIDATION_FAILED', [{ field: 'path', message: 'path is not valid percent-encoded UTF-8' }], {
      cause: err,
    });
  }
  const type = (err as { type?: string })?.type;
  if (type && BODY_PARSER_ERRORS[type]) {
    const { code, field, message } = BODY_PARSER_ERRORS[type];
    return new AppError(code, [{ field, message }], { cause: err });
  }
  // body-parser's other client errors (a corrupt gzip/deflate/br body...) carry a 4xx status
  const status = (err as { status?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code: ErrorCode =
      status === 413 ? 'BODY_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'VALIDATION_FAILED';
    return new AppError(
      code,
      [{ field: 'body', message: 'body could not be read (corrupt or unsupported encoding)' }],
      {
        cause: err,
      },
    );
  }
  if (isDependencyDown(err)) {
    return new AppError(
      'DEPENDENCY_UNAVAILABLE',
      [{ field: 'service', message: 'a dependency is unavailable; retry later' }],
      {
        cause: err,
      },
    );
  }
  return new AppError('INTERNAL', [{ field: 'service', message: 'internal error' }], { cause: err });
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P03',
  '08006',
  '08001',
  '08003',
]);

/** kafkajs marks its errors retriable; pg and net errors carry codes; pg's pool says "timeout". */
export function isDependencyDown(err: unknown): boolean {
  const e = err as { retriable?: boolean; code?: string; name?: string; message?: string } | undefined;
  if (!e) return false;
  if (e.name?.startsWith('KafkaJS')) return true;
  if (e.code && CONNECTION_CODES.has(e.code)) return true;
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout|ECONNREFUSED/i.test(
    e.message ?? '',
  );
}
