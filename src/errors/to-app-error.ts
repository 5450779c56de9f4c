import { JsonWebTokenError, NotBeforeError, TokenExpiredError } from 'jsonwebtoken';
import { ConnectionError, DatabaseError } from 'sequelize';
import { isLockConflict } from '../db/lock-conflict';
import { AppError } from './app-error';
import type { ErrorCode } from './catalogue';

/** The fields http-errors, raw-body and co-body put on what they throw. */
interface HttpErrorLike {
  status?: unknown;
  type?: unknown;
  code?: unknown;
}

function httpFields(error: unknown): HttpErrorLike {
  return typeof error === 'object' && error !== null ? error : {};
}

/**
 * mysql2 flags `fatal` every error that leaves its connection dead: the server closed or reset it
 * mid-query, or our query watchdog cut it. Sequelize wraps those in a plain DatabaseError, not a
 * ConnectionError, yet to a client they mean the same thing: MySQL is out of reach for now.
 */
function isLostConnection(error: unknown): boolean {
  if (!(error instanceof DatabaseError)) return false;
  const cause: unknown = error.parent;
  return typeof cause === 'object' && cause !== null && 'fatal' in cause && cause.fatal === true;
}

/** ER_UNKNOWN_COM_ERROR: what a Galera node answers while it is not part of the primary component. */
const ER_UNKNOWN_COM_ERROR = 1047;

/**
 * A Galera node that lost quorum, or is still joining, refuses every statement with "WSREP has not
 * yet prepared node for application use" until it is synced again: out of reach for now, like a
 * lost connection, not a fault of the request.
 */
function isUnreadyClusterNode(error: unknown): boolean {
  if (!(error instanceof DatabaseError)) return false;
  const cause: unknown = error.parent;
  return typeof cause === 'object' && cause !== null && 'errno' in cause && cause.errno === ER_UNKNOWN_COM_ERROR;
}

const BY_HTTP_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** First matching row wins; order matters where classes inherit (TokenExpiredError is a JsonWebTokenError). */
const RULES: ReadonlyArray<readonly [(error: unknown) => boolean, ErrorCode]> = [
  [(error) => error instanceof TokenExpiredError, 'TOKEN_EXPIRED'],
  [(error) => error instanceof NotBeforeError || error instanceof JsonWebTokenError, 'TOKEN_INVALID'],
  [
    (error) => error instanceof ConnectionError || isLostConnection(error) || isUnreadyClusterNode(error),
    'SERVICE_UNAVAILABLE',
  ],
  // co-body marks JSON.parse failures (and forbidden __proto__ keys) as 400 SyntaxErrors.
  [(error) => error instanceof SyntaxError && httpFields(error).status === 400, 'INVALID_JSON'],
  // A corrupt gzip/deflate (Z_*) or brotli (ERR__ERROR_*) body fails inside zlib, which knows nothing of HTTP.
  [(error) => /^(Z_|ERR__ERROR_)/.test(String(httpFields(error).code)), 'BAD_REQUEST'],
];

/** A deadlock or lock wait that outlasted inTransaction's retries clears within moments. */
const LOCK_CONFLICT_RETRY_AFTER_SECONDS = 1;

/** Maps anything thrown while handling a request to an AppError; what it does not know is a 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  // Contention, not a fault: the request itself was fine and will succeed when sent again.
  if (isLockConflict(error)) {
    return new AppError('SERVICE_UNAVAILABLE', { cause: error, retryAfterSeconds: LOCK_CONFLICT_RETRY_AFTER_SECONDS });
  }
  for (const [matches, code] of RULES) {
    if (matches(error)) return new AppError(code, { cause: error });
  }
  const { status } = httpFields(error);
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(BY_HTTP_STATUS[status] ?? 'BAD_REQUEST', { cause: error });
  }
  return new AppError('INTERNAL_ERROR', { cause: error });
}
