/**
 * Users and live sessions written straight into the database, for the refresh scenario with chains
 * spread over many users: a thousand logins through the API would cost a thousand bcrypt compares
 * (half a minute) per run, and what is measured is the refresh, not how its sessions began.
 */
import { randomBytes } from 'node:crypto';
import type mysql from 'mysql2/promise';
import { newRandomId, newRefreshToken } from '../src/services/refresh-token-codec';
import { withConnection } from './database';

// Not a bcrypt hash: no password can ever match it, so these users cannot log in.
const UNUSABLE_PASSWORD_HASH = '*'.repeat(60);
// Two days, so that a MySQL session time zone other than UTC cannot make them expire early.
const LIFETIME_MS = 2 * 86_400_000;

/** Inserts `users` users with one live session each; returns each session's refresh token. */
export async function createSpreadSessions(databaseUrl: string, users: number): Promise<string[]> {
  const batch = randomBytes(6).toString('hex');
  const now = new Date();
  const expiresAt = new Date(now.getTime() + LIFETIME_MS);
  return withConnection(databaseUrl, async (connection) => {
    const emails = Array.from({ length: users }, (_, index) => `spread-${batch}-${index}@bench.invalid`);
    await connection.query('INSERT INTO users (email, password_hash, name, created_at, updated_at) VALUES ?', [
      emails.map((email) => [email, UNUSABLE_PASSWORD_HASH, 'spread', now, now]),
    ]);
    const [rows] = await connection.query<({ id: number } & mysql.RowDataPacket)[]>(
      'SELECT id FROM users WHERE email LIKE ? ORDER BY id',
      [`spread-${batch}-%`],
    );
    const tokens = rows.map((row) => ({ userId: row.id, token: newRefreshToken() }));
    await connection.query(
      'INSERT INTO sessions (id, family_id, parent_id, user_id, refresh_token_hash, created_at, last_used_at, ' +
        'expires_at, absolute_expires_at, revoked_at, reason, ip, user_agent) VALUES ?',
      [
        tokens.map(({ userId, token }) => [
          token.rowId,
          newRandomId(),
          null,
          userId,
          token.secretHash,
          now,
          now,
          expiresAt,
          expiresAt,
          null,
          null,
          '127.0.0.1',
          'bench',
        ]),
      ],
    );
    return tokens.map(({ token }) => token.refreshToken);
  });
}
