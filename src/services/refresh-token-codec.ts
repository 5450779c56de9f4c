import { randomBytes, timingSafeEqual } from 'node:crypto';
import { tokenHash } from './token-hash';
import { REFRESH_TOKEN_FORMAT } from './token-shapes';

/** A fresh random id (128 bits, 22 characters): of a refresh-token row, or of a session. */
export const newRandomId = (): string => randomBytes(16).toString('base64url');

/** A refresh token just made: given to the client once; only `secretHash` is stored. */
export interface NewRefreshToken {
  rowId: string;
  refreshToken: string;
  secretHash: string;
}

/** A new refresh token "<row id>.<secret>": the id finds the row, the secret is checked by its hash. */
export function newRefreshToken(): NewRefreshToken {
  const rowId = newRandomId();
  const secret = randomBytes(32).toString('base64url');
  return { rowId, refreshToken: `${rowId}.${secret}`, secretHash: tokenHash(secret) };
}

/** The two parts of a refresh token, or null when it is not shaped like one of ours. */
export function readRefreshToken(refreshToken: string): { rowId: string; secret: string } | null {
  const [, rowId, secret] = REFRESH_TOKEN_FORMAT.exec(refreshToken) ?? [];
  return rowId === undefined || secret === undefined ? null : { rowId, secret };
}

/** Constant-time, so response timing does not leak how much of a guessed secret matched. */
export function secretMatches(secret: string, secretHash: string): boolean {
  return timingSafeEqual(Buffer.from(tokenHash(secret), 'hex'), Buffer.from(secretHash, 'hex'));
}
