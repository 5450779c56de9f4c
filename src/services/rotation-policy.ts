import type { RefreshTokenRow } from '../repositories';

/**
 * What presenting a refresh token whose row is `row` means:
 * - `rotate`: live and unexpired, exchange it for its successor;
 * - `raced`: rotated moments ago (within the grace window), most likely by a concurrent request
 *   of the same client: not an attack, answered 409 while the session lives;
 * - `replayed`: rotated longer ago: a copy of a retired token is in use, the session must end;
 * - `revoked`, `expired`: refused, nothing changes.
 */
export type RefreshVerdict = 'rotate' | 'raced' | 'replayed' | 'revoked' | 'expired';

/** Judges a presented refresh token by its row alone; the caller has checked its secret. */
export function judgeRefresh(
  row: Pick<RefreshTokenRow, 'revokedAt' | 'reason' | 'expiresAt'>,
  now: Date,
  graceSeconds: number,
): RefreshVerdict {
  if (row.revokedAt !== null && row.reason === 'rotated') {
    return now.getTime() - row.revokedAt.getTime() <= graceSeconds * 1000 ? 'raced' : 'replayed';
  }
  if (row.revokedAt !== null) return 'revoked';
  if (row.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'rotate';
}
