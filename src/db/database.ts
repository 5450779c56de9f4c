import mysql from 'mysql2/promise';
import type { Config } from '../config';

type DatabaseTarget = Pick<Config, 'databaseUrl' | 'database'>;

/** Runs `work` on a connection to the MySQL server itself, not to the configured database. */
async function withServerConnection<T>(
  target: DatabaseTarget,
  work: (connection: mysql.Connection) => Promise<T>,
): Promise<T> {
  const serverUrl = new URL(target.databaseUrl);
  serverUrl.pathname = '';
  const connection = await mysql.createConnection({ uri: serverUrl.toString(), connectTimeout: 5_000 });
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
