import { createHash } from 'node:crypto';

/**
 * The hex SHA-256 under which a random token is stored (refresh-token secrets, Auth.js session and
 * verification tokens, reset and verification links): a copy of the table signs no one in, and
 * 256 random bits need no salt or slow hash.
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The hex SHA-256 of an email address as a mailed token keeps it: the token then works only while
 * its user still has the address it was mailed to. Equality only, so no salt; no address is stored twice.
 */
export function addressHash(email: string): string {
  return tokenHash(email);
}
