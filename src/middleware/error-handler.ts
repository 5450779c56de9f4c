import type { Next } from 'koa';
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error';
import { toAppError } from '../errors/to-app-error';
import type { AppContext } from './context';

/** Turns what the router left unanswered (no route, wrong method) into catalogue errors. */
function unansweredError(ctx: AppContext): AppError | null {
  if (ctx.body !== undefined && ctx.body !== null) return null;
  // The router answers 501 for methods it does not know at all; to a client that is a 405 too.
  if (ctx.status === 405 || ctx.status === 501) return new AppError('METHOD_NOT_ALLOWED');
  if (ctx.status === 404) return new AppError('NOT_FOUND');
  return null;
}

/**
 * The outermost middleware: every error becomes `{ error: { code, message, details? } }`.
 * A 5xx never shows its cause to the client; it is logged with the request id instead.
 */
export function createErrorHandler(logger: Logger) {
  return async function errorHandler(ctx: AppContext, next: Next): Promise<void> {
    let appError: AppError | null;
    try {
      await next();
      appError = unansweredError(ctx);
    } catch (error) {
      appError = toAppError(error);
    }
    if (appError === null) return;
    if (!appError.expose) {
      logger.error({ err: appError.cause ?? appError, requestId: ctx.state.requestId }, 'request failed');
    }
    ctx.status = appError.status;
    if (appError.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(appError.retryAfterSeconds));
    ctx.body = {
      error: {
        code: appError.code,
        message: appError.message,
        ...(appError.details === undefined ? {} : { details: appError.details }),
      },
    };
  };
}
