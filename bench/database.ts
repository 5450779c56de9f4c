import mysql from 'mysql2/promise';
import { loadConfig } from '../src/config';
import { readEnvironment } from '../src/config/env-file';
import { dropDatabase } from '../src/db/database';

/** The configured (or default) development database URL, pointing at `database` instead. */
export function databaseUrlFor(database: string): string {
  const url = new URL(loadConfig({ ...readEnvironment(), NODE_ENV: 'development' }).databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function dropBenchDatabase(databaseUrl: string): Promise<void> {
  return dropDatabase(loadConfig({ ...readEnvironment(), NODE_ENV: 'development', DATABASE_URL: databaseUrl }));
}

/** Runs `work` on one connection to the database in `databaseUrl`, then closes it. */
export async function withConnection<T>(
  databaseUrl: string,
  work: (connection: mysql.Connection) => Promise<T>,
): Promise<T> {
  const connection = await mysql.createConnection({ uri: databaseUrl, connectTimeout: 5_000 });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

interface VersionRow extends mysql.RowDataPacket {
  version: string;
}

/** `SELECT VERSION()` of the MySQL server behind `databaseUrl` (the database need not exist). */
export function serverVersion(databaseUrl: string): Promise<string> {
  const serverUrl = new URL(databaseUrl);
  serverUrl.pathname = '';
  return withConnection(serverUrl.toString(), async (connection) => {
    const [rows] = await connection.query<VersionRow[]>('SELECT VERSION() AS version');
    return rows[0]?.version ?? 'unknown';
  });
}
