/**
 * Fills `blocked_tokens` with a million rows (or `--rows N`, at most a million) in one
 * INSERT … SELECT over six cross-joined digit tables, so the server can be measured against a
 * large blocklist. Rows expire a day from now, or a day ago with `--expired` (for the purge).
 * Alone: `npx tsx bench/fill-blocklist.ts [--expired] [--rows N]` on DATABASE_URL (./.env honoured).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type mysql from 'mysql2/promise';
import { loadConfig } from '../src/config';
import { readEnvironment } from '../src/config/env-file';
import { withConnection } from './database';

export const MILLION = 1_000_000;
const DIGIT_COLUMNS = 6;
const FILLER_EMAIL = 'blocklist-filler@bench.invalid';
// Not a bcrypt hash: no password can ever match it, so the filler user cannot log in.
const UNUSABLE_PASSWORD_HASH = '*'.repeat(60);

export interface FillOptions {
  rows?: number;
  expired?: boolean;
}

export interface FillResult {
  rows: number;
  userId: number;
  seconds: number;
}

/** The user every filler row belongs to (blocked_tokens.user_id is a foreign key); created once. */
async function fillerUserId(connection: mysql.Connection): Promise<number> {
  const [result] = await connection.query<mysql.ResultSetHeader>(
    'INSERT INTO users (email, password_hash, name, created_at, updated_at) ' +
      'VALUES (?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)) ' +
      'ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)',
    [FILLER_EMAIL, UNUSABLE_PASSWORD_HASH, 'blocklist filler'],
  );
  return result.insertId;
}

/** `SELECT d0.d + 10 * d1.d + … AS n` over six copies of a 10-row derived table: 0 … 999 999. */
function numbersSql(): string {
  const digits = 'SELECT 0 AS d UNION ALL ' + [1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => `SELECT ${d}`).join(' UNION ALL ');
  const columns = Array.from({ length: DIGIT_COLUMNS }, (_, index) => index);
  const sum = columns.map((index) => `${10 ** index} * d${index}.d`).join(' + ');
  const tables = columns.map((index) => `(${digits}) AS d${index}`).join(' CROSS JOIN ');
  return `SELECT ${sum} AS n FROM ${tables}`;
}

/** Inserts `rows` blocklist rows (default a million) with unique random-prefixed jtis. */
export async function fillBlocklist(databaseUrl: string, options: FillOptions = {}): Promise<FillResult> {
  const rows = options.rows ?? MILLION;
  if (!Number.isInteger(rows) || rows < 1 || rows > MILLION) throw new RangeError(`rows must be 1..${MILLION}`);
  const started = Date.now();
  // A fresh prefix per call, so fills can be repeated on one table without key clashes.
  const prefix = `fill-${randomBytes(6).toString('hex')}-`;
  const expiresAt = options.expired === true ? 'UTC_TIMESTAMP() - INTERVAL 1 DAY' : 'UTC_TIMESTAMP() + INTERVAL 1 DAY';
  return withConnection(databaseUrl, async (connection) => {
    const userId = await fillerUserId(connection);
    const [result] = await connection.query<mysql.ResultSetHeader>(
      'INSERT INTO blocked_tokens (jti, user_id, expires_at, blocked_at, reason) ' +
        `SELECT CONCAT(?, LPAD(n, 7, '0')), ?, ${expiresAt}, UTC_TIMESTAMP(3), 'admin' ` +
        `FROM (${numbersSql()}) AS numbers WHERE n < ?`,
      [prefix, userId, rows],
    );
    return { rows: result.affectedRows, userId, seconds: (Date.now() - started) / 1000 };
  });
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { expired: { type: 'boolean' }, rows: { type: 'string' } },
    strict: true,
  });
  const { databaseUrl, database } = loadConfig(readEnvironment());
  const rows = values.rows === undefined ? MILLION : Number(values.rows);
  const filled = await fillBlocklist(databaseUrl, { rows, expired: values.expired === true });
  const kind = values.expired === true ? 'expired' : 'live';
  console.log(
    `inserted ${filled.rows} ${kind} blocked_tokens rows in ${filled.seconds.toFixed(1)} s (${database.database})`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
