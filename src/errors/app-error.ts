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

  constructor(
    readonly code: ErrorCode,
    options: { message?: string; details?: ErrorDetail[]; cause?: unknown } = {},
  ) {
    super(options.message ?? ERRORS[code].message, { cause: options.cause });
    this.status = ERRORS[code].status;
    this.expose = this.status < 500;
    this.details = options.details;
  }
}
