import type { SslOptions } from 'mysql2';
import mysql from 'mysql2/promise';
import type { Config, DatabaseTls } from '../config';

type DatabaseTarget = Pick<Config, 'databaseUrl' | 'database' | 'databaseTls'>;

/**
 * mysql2's TLS options for DATABASE_TLS: the certificate always checked against the trusted CAs
 * (never "encrypt but trust anyone", which a machine in the middle defeats), and its name too for
 * a host name. mysql2 refuses a server that offers no TLS, so nothing falls back to plain TCP.
 */
export function mysqlSsl(tls: DatabaseTls | null): SslOptions | undefined {
  if (tls === null) return undefined;
  return {
    ...(tls.ca === null ? {} : { ca: tls.ca }),
    ...(tls.client === null ? {} : { cert: tls.client.cert, key: tls.client.key }),
    rejectUnauthorized: true,
    verifyIdentity: tls.checkHostname,
  };
}

/** Runs `work` on a connection to the MySQL server itself, not to the configured database. */
async function withServerConnection<T>(
  target: DatabaseTarget,
  work: (connection: mysql.Connection) => Promise<T>,
): Promise<T> {
  const serverUrl = new URL(target.databaseUrl);
  serverUrl.pathname = '';
  const connection = await mysql.createConnection({
    uri: serverUrl.toString(),
    connectTimeout: 5_000,
    ssl: mysqlSsl(target.databaseTls),
  });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

/** Creates the configured database when it is missing; returns true when it created it. */
export function createDatabaseIfMissing(target: DatabaseTarget): Promise<boolean> {
  return withServerConnection(target, async (connection) => {
    const [result] = await connection.query<mysql.ResultSetHeader>(
      `CREATE DATABASE IF NOT EXISTS ${mysql.escapeId(target.database.database)} ` +
        'CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci',
    );
    return result.warningStatus === 0;
  });
}

/** Drops the configured database entirely (test and tooling helper; the driver only undoes migrations). */
export function dropDatabase(target: DatabaseTarget): Promise<void> {
  return withServerConnection(target, async (connection) => {
    await connection.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(target.database.database)}`);
  });
}
