import { ERRORS, type ErrorCode } from './catalogue';

export interface ErrorDetail {
  field: string;
  message: string;
}

/** An error with a catalogue code. Like http-errors, only a status below 500 exposes its message. */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  readonly expose: boolean;
  readonly details: ErrorDetail[] | undefined;
  /** Sent as the Retry-After header: how many seconds a client should wait before trying again. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    options: { message?: string; details?: ErrorDetail[]; cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(options.message ?? ERRORS[code].message, { cause: options.cause });
    this.status = ERRORS[code].status;
    this.expose = this.status < 500;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
