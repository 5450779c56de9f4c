import * as openid from 'openid-client';
import { AppError } from '../errors/app-error';
import type { ErrorCode } from '../errors/catalogue';

/** A failed sign-in after its binding is known: the code (and details) sent back as `?error=`. */
export interface OidcFailure {
  code: ErrorCode;
  /** The provider's `error` value, for OIDC_PROVIDER_ERROR. */
  providerError: string | null;
}

/** An OAuth `error` value as RFC 6749 spells them; anything else is not echoed back. */
const OAUTH_ERROR_VALUE = /^[\w.-]{1,64}$/;

const providerError = (value: string): OidcFailure => ({
  code: 'OIDC_PROVIDER_ERROR',
  providerError: OAUTH_ERROR_VALUE.test(value) ? value : 'invalid_error',
});

/** The claim an openid-client claim check names (its cause's cause carries it), if any. */
function failedClaim(error: openid.ClientError): unknown {
  const check: unknown = error.cause;
  if (typeof check !== 'object' || check === null || !('cause' in check)) return undefined;
  const facts: unknown = check.cause;
  return typeof facts === 'object' && facts !== null && 'claim' in facts ? facts.claim : undefined;
}

/** What openid-client reports about the ID token, or the token response carrying it. */
const ID_TOKEN_CHECKS = new Set<string | undefined>([
  'OAUTH_INVALID_RESPONSE',
  'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
  'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
  'OAUTH_KEY_SELECTION_FAILED',
  'OAUTH_PARSE_ERROR',
]);

/**
 * The failure a sign-in error stands for, or null for an error of our own (the database), which
 * must answer as any request's would. Provider answers and openid-client's checks map to codes.
 */
export function oidcFailureOf(error: unknown): OidcFailure | null {
  if (error instanceof AppError) {
    if (!error.code.startsWith('OIDC_')) return null;
    return { code: error.code, providerError: error.details?.[0]?.message ?? null };
  }
  if (error instanceof openid.AuthorizationResponseError) {
    return error.error === 'access_denied'
      ? { code: 'OIDC_ACCESS_DENIED', providerError: null }
      : providerError(error.error);
  }
  if (error instanceof openid.ResponseBodyError) return providerError(error.error);
  // fetch fails with a TypeError when the provider cannot be reached.
  if (error instanceof TypeError) return { code: 'OIDC_PROVIDER_UNAVAILABLE', providerError: null };
  if (error instanceof openid.ClientError) {
    if (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_ABORT') {
      return { code: 'OIDC_PROVIDER_UNAVAILABLE', providerError: null };
    }
    if (error.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && failedClaim(error) === 'nonce') {
      return { code: 'OIDC_NONCE_INVALID', providerError: null };
    }
    if (ID_TOKEN_CHECKS.has(error.code)) return { code: 'OIDC_ID_TOKEN_INVALID', providerError: null };
    return providerError('invalid_response');
  }
  return null;
}
