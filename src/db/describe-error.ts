import { BaseError } from 'sequelize';
import type { DatabaseLocation } from '../config';

/** The error codes mysql2 reports, as far as an operator can act on them. */
const HINTS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'nothing is listening there',
  ENOTFOUND: 'the host name does not resolve',
  ETIMEDOUT: 'the connection timed out',
  ER_ACCESS_DENIED_ERROR: 'access denied for this user and password',
  ER_DBACCESS_DENIED_ERROR: 'this user may not use the database',
  ER_BAD_DB_ERROR: 'the database does not exist (run: node app --create)',
};

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, parent } = error as { code?: unknown; parent?: unknown };
  if (typeof code === 'string') return code;
  return parent === undefined ? undefined : errorCode(parent);
}

/** One line that names the MySQL server and why talking to it failed; never a stack. */
export function describeDatabaseError(error: unknown, location: DatabaseLocation): string {
  const where = `MySQL at ${location.host}:${location.port} (user ${location.user}, database ${location.database})`;
  const code = errorCode(error);
  const hint = code === undefined ? undefined : HINTS[code];
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return `${where}: ${hint ?? message}${code === undefined ? '' : ` [${code}]`}`;
}

/**
 * Whether `error` came from talking to MySQL: a Sequelize error, a mysql2 error (each carries
 * `fatal`; the server's answers also `sqlState`), or either wrapped as the cause of another (Umzug
 * wraps a failed migration). A port in use or a bug is not, and must not be blamed on MySQL.
 */
export function isDatabaseError(error: unknown): boolean {
  if (error instanceof BaseError) return true;
  if (typeof error !== 'object' || error === null) return false;
  if ('sqlState' in error || 'fatal' in error) return true;
  return 'cause' in error && isDatabaseError(error.cause);
}
