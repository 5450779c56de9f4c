import { Op, UniqueConstraintError, type Transaction } from 'sequelize';
import { AppError } from '../errors/app-error';
import { BlockedToken, type RevocationReason } from '../models';
import type { AccessTokenClaims } from './token.service';

/** True when this jti is on the blocklist. */
export async function isTokenBlocked(jti: string): Promise<boolean> {
  const row = await BlockedToken.findByPk(jti, { attributes: ['jti'], raw: true });
  return row !== null;
}

/**
 * How many blocklisted tokens have not expired yet: a range on the `expires_at` index, so the
 * cost follows the live rows (logouts within one access-token lifetime), not the table size.
 */
export function countLiveBlockedTokens(): Promise<number> {
  return BlockedToken.count({ where: { expiresAt: { [Op.gt]: new Date() } } });
}

/**
 * Puts the token's jti on the blocklist until its own expiry. The primary key decides races:
 * of many concurrent revocations of one token exactly one inserts, the others get TOKEN_REVOKED.
 * The caller holds the user's lock (see lockUser), so the user exists until this commits.
 */
export async function blockToken(
  claims: AccessTokenClaims,
  reason: RevocationReason,
  transaction: Transaction,
): Promise<void> {
  try {
    await BlockedToken.create(
      { jti: claims.jti, userId: claims.userId, expiresAt: claims.expiresAt, blockedAt: new Date(), reason },
      { transaction },
    );
  } catch (error) {
    // Insert-and-catch, never check-then-insert: a concurrent logout won the race.
    if (error instanceof UniqueConstraintError) throw new AppError('TOKEN_REVOKED', { cause: error });
    throw error;
  }
}
