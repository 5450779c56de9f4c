import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config';

/**
 * Belt and braces: the request log never carries headers or bodies, but should any log call ever
 * pass one (or an error carrying SQL parameters), credentials are censored rather than written.
 */
const REDACTED_PATHS = [
  'password',
  'passwordHash',
  'access_token',
  'refresh_token',
  'authorization',
  'cookie',
  '*.password',
  '*.passwordHash',
  '*.current_password',
  '*.new_password',
  '*.access_token',
  '*.refresh_token',
  '*.refreshTokenHash',
  '*.authorization',
  '*.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  // Sequelize errors keep the statement's bound values (a password hash, a refresh-token hash).
  'err.parameters',
  'err.original.parameters',
  'err.parent.parameters',
];

/** JSON logs on stdout (or `destination`, for tests). */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  return pino({ level: config.logLevel, redact: REDACTED_PATHS }, destination);
}
