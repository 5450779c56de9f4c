/**
 * What each kind of token we issue looks like, so that one sent where the other belongs can be
 * named as such instead of answered with a length or signature error.
 */

/** A refresh token is "<row id>.<secret>": the id finds the row, the secret is checked by hash. */
export const REFRESH_TOKEN_FORMAT = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

const COMPACT_JOSE = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){2}(?:(?:\.[A-Za-z0-9_-]*){2})?$/;

/**
 * True for a JWT in compact form (a JWS of three parts, or a JWE of five) whose first part decodes
 * to a JSON object, as every JOSE header is (RFC 7515 §7.1, RFC 7516 §7.1). Shape only: nothing
 * is verified.
 */
export function looksLikeJwt(value: string): boolean {
  if (!COMPACT_JOSE.test(value)) return false;
  const [header = ''] = value.split('.');
  try {
    const decoded: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded);
  } catch {
    return false;
  }
}

/** True for a value shaped like one of our refresh tokens. Shape only: nothing is looked up. */
export const looksLikeRefreshToken = (value: string): boolean => REFRESH_TOKEN_FORMAT.test(value);
