import pino, { type Logger } from 'pino';
import type { Config } from './config';

/** JSON logs on stdout. Credentials are redacted wherever a request or body might be logged. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    redact: ['req.headers.authorization', '*.password', '*.passwordHash', '*.access_token'],
  });
}
