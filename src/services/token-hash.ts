import { createHash } from 'node:crypto';

/**
 * The hex SHA-256 under which a random token is stored (refresh-token secrets, Auth.js session and
 * verification tokens, reset and verification links): a copy of the table signs no one in, and
 * 256 random bits need no salt or slow hash.
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
