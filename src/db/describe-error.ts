import { BaseError } from 'sequelize';
import type { Config } from '../config';

/** The error codes mysql2 reports, as far as an operator can act on them; `detail` is mysql2's message. */
const HINTS: Readonly<Record<string, (detail: string, tls: boolean) => string>> = {
  ECONNREFUSED: () => 'nothing is listening there',
  ENOTFOUND: () => 'the host name does not resolve',
  ETIMEDOUT: () => 'the connection timed out',
  // A server that requires TLS of an account refuses it in plain TCP with this same error.
  ER_ACCESS_DENIED_ERROR: (_detail, tls) =>
    `access denied for this user and password${tls ? '' : ', or the server requires TLS (DATABASE_TLS=on)'}`,
  ER_DBACCESS_DENIED_ERROR: () => 'this user may not use the database',
  ER_BAD_DB_ERROR: () => 'the database does not exist (run: node app --create)',
  HANDSHAKE_NO_SSL_SUPPORT: () =>
    'the server offers no TLS; give it a certificate, or set DATABASE_TLS=off where no one else can reach the network',
  HANDSHAKE_SSL_ERROR: (detail) =>
    `its TLS certificate was refused (${detail}); DATABASE_TLS_CA names the CA that signed it, and the ` +
    'certificate must name the host in DATABASE_URL',
};

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, parent } = error as { code?: unknown; parent?: unknown };
  if (typeof code === 'string') return code;
  return parent === undefined ? undefined : errorCode(parent);
}

/** One line that names the MySQL server and why talking to it failed; never a stack. */
export function describeDatabaseError(
  error: unknown,
  { database, databaseTls }: Pick<Config, 'database' | 'databaseTls'>,
): string {
  const where = `MySQL at ${database.host}:${database.port} (user ${database.user}, database ${database.database})`;
  const code = errorCode(error);
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  const hint = code === undefined ? undefined : HINTS[code]?.(message, databaseTls !== null);
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
