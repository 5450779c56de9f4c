import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config';

const SECRET_KEYS = [
  'password',
  'passwordHash',
  'current_password',
  'new_password',
  'access_token',
  'refresh_token',
  'accessToken',
  'refreshToken',
  'refreshTokenHash',
  'authorization',
  'cookie',
  '["set-cookie"]',
];
const CONTAINERS = [
  '',
  'body',
  'input',
  'headers',
  'req.body',
  'req.headers',
  'request.body',
  'request.headers',
  'res.headers',
];

/**
 * Belt and braces: the request log never carries headers or bodies, but should a log call ever pass
 * one (or an error holding a statement's bound values, such as a hash), credentials are censored.
 * Exact paths only: a `*` wildcard path made every log line several times slower.
 */
const REDACTED_PATHS = [
  ...CONTAINERS.flatMap((container) =>
    SECRET_KEYS.map((key) => {
      if (container === '') return key.replace(/^\["(.*)"\]$/, '$1');
      return key.startsWith('[') ? `${container}${key}` : `${container}.${key}`;
    }),
  ),
  'err.parameters',
  'err.original.parameters',
  'err.parent.parameters',
  // Sequelize inlines search values into the statement text: a login's email would reach the log.
  'err.sql',
  'err.original.sql',
  'err.parent.sql',
];

/**
 * pino's error serializer, minus the row data Sequelize hangs on its errors: each failed item's
 * model `instance` (a whole user row, hash included) is cut down to its message, type and path.
 */
function serializeError(error: Error): pino.SerializedError {
  const serialized = pino.stdSerializers.err(error);
  delete serialized.aggregateErrors;
  const items: unknown = serialized.errors;
  if (Array.isArray(items)) {
    serialized.errors = items.map((item: Record<string, unknown>) => ({
      message: item.message,
      type: item.type,
      path: item.path,
    }));
  }
  return serialized;
}

/** JSON logs on stdout (or `destination`, for tests). */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  return pino({ level: config.logLevel, redact: REDACTED_PATHS, serializers: { err: serializeError } }, destination);
}
