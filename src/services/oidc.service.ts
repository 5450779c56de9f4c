import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as openid from 'openid-client';
import type { Config } from '../config';
import { AppError } from '../errors/app-error';
import type { Database, OidcLoginRow } from '../repositories';
import type { AuthResponseDto, AuthService } from './auth.service';
import { linkedUserFor, type ProviderIdentity } from './oidc-identity';
import { oidcFailureOf, type OidcFailure } from './oidc-errors';
import type { OidcProvider, OidcProviders } from './oidc-providers';
import type { ClientInfo } from './session.service';
import type { Outbox } from './outbox.service';
import type { RequestOrigin } from './audit.service';

/** How long a started sign-in may take at the provider (the binding cookie lives as long). */
export const BINDING_TTL_SECONDS = 600;
/** How long the front end has to exchange its one-time code. */
const CODE_TTL_SECONDS = 60;

/** Stored instead of a binding cookie's value or a one-time code: a database leak gives neither away. */
const sha256 = (value: string): string => createHash('sha256').update(value).digest('base64url');

/** Equal strings, compared in constant time. */
function sameSecret(given: string, expected: string): boolean {
  const left = Buffer.from(given, 'utf8');
  const right = Buffer.from(expected, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Where the browser goes after the callback, with `?code=` or `?error=`. */
export type CallbackOutcome =
  { redirectTo: string; code: string; failure: null } | { redirectTo: string; code: null; failure: OidcFailure };

export interface OidcServiceDeps {
  database: Database;
  providers: OidcProviders;
  settings: Config['oidc'];
  auth: AuthService;
  outbox: Outbox;
}

/** Sign-in with an OpenID provider: authorization code flow with PKCE, state and nonce (RFC 9700). */
export function createOidcService({ database, providers, settings, auth, outbox }: OidcServiceDeps) {
  function providerNamed(name: string): OidcProvider {
    const provider = providers.find(name);
    if (provider === null) throw new AppError('OIDC_PROVIDER_UNKNOWN');
    return provider;
  }

  /** The allowlisted URL `redirectTo` is, or null: exact match only, so no open redirect. */
  function allowedRedirect(redirectTo: string): string | null {
    let href: string;
    try {
      href = new URL(redirectTo).href;
    } catch {
      return null;
    }
    return settings.redirectAllowlist.includes(href) ? href : null;
  }

  /** Checks the callback against its binding, redeems the code with openid-client, returns the identity. */
  async function identityOf(provider: OidcProvider, binding: OidcLoginRow, query: string): Promise<ProviderIdentity> {
    const returnedState = new URLSearchParams(query).get('state') ?? '';
    // Expired, for another provider, or another state: the browser is not the one that started it.
    if (binding.expiresAt <= new Date() || binding.provider !== provider.settings.name) {
      throw new AppError('OIDC_STATE_INVALID');
    }
    if (!sameSecret(returnedState, binding.state)) throw new AppError('OIDC_STATE_INVALID');
    const configuration = await provider.discovered();
    // The URL the provider redirected to: openid-client reads redirect_uri from it, so it is built
    // from PUBLIC_URL, never from the Host header a client chose.
    const callbackUrl = new URL(`${provider.redirectUri}?${query}`);
    const tokens = await openid.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: binding.codeVerifier,
      expectedState: binding.state,
      expectedNonce: binding.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    // OpenID Connect Core 2: `sub` is at most 255 ASCII characters, never empty (the accounts key holds 255).
    if (claims === undefined || !/^[\x21-\x7e]{1,255}$/.test(claims.sub)) throw new AppError('OIDC_ID_TOKEN_INVALID');
    // Userinfo only when the ID token lacks the email, checked to be about the same subject.
    const profile =
      typeof claims.email === 'string'
        ? claims
        : await openid.fetchUserInfo(configuration, tokens.access_token, claims.sub);
    return {
      provider: provider.settings.name,
      subject: claims.sub,
      email: typeof profile.email === 'string' ? profile.email : null,
      emailVerified: profile.email_verified === true,
      name: typeof profile.name === 'string' ? profile.name : null,
    };
  }

  /** A fresh one-time code for the user; only its hash is stored. */
  async function issueCode(userId: number, clientChallenge: string): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + CODE_TTL_SECONDS * 1000);
    // The user deleted since it was resolved: refused like a disabled one, never a 500.
    const row = { codeHash: sha256(code), userId, clientChallenge, expiresAt, createdAt: now };
    const outcome = await database.oidcCodes.insert(row);
    if (outcome !== 'inserted') throw new AppError('OIDC_ACCESS_DENIED');
    return code;
  }

  return {
    /**
     * Starts a sign-in: binds a fresh PKCE verifier, state and nonce to a new random cookie value
     * (stored as a row keyed by its hash), and returns the provider's authorization URL.
     */
    async beginLogin(
      providerName: string,
      redirectTo: string,
      clientChallenge: string,
    ): Promise<{ authorizationUrl: string; binding: string }> {
      const provider = providerNamed(providerName);
      const target = allowedRedirect(redirectTo);
      if (target === null) throw new AppError('OIDC_REDIRECT_NOT_ALLOWED');
      const configuration = await provider.discovered();
      const binding = randomBytes(32).toString('base64url');
      const row = {
        idHash: sha256(binding),
        provider: provider.settings.name,
        state: openid.randomState(),
        nonce: openid.randomNonce(),
        codeVerifier: openid.randomPKCECodeVerifier(),
        redirectTo: target,
        clientChallenge,
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + BINDING_TTL_SECONDS * 1000),
      };
      await database.oidcLogins.insert(row);
      const authorizationUrl = openid.buildAuthorizationUrl(configuration, {
        response_type: 'code',
        redirect_uri: provider.redirectUri,
        scope: provider.settings.scopes,
        state: row.state,
        nonce: row.nonce,
        code_challenge: await openid.calculatePKCECodeChallenge(row.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { authorizationUrl: authorizationUrl.href, binding };
    },

    /**
     * Completes a sign-in at the callback. Without a known binding it throws (400 JSON); once the
     * binding is known, which uses it up, every sign-in failure becomes an outcome for `redirect_to`.
     */
    async completeLogin(
      providerName: string,
      binding: string | null,
      query: string,
      origin: RequestOrigin,
    ): Promise<CallbackOutcome> {
      const provider = providerNamed(providerName);
      const bound =
        binding === null
          ? null
          : await database.inTransaction((transaction) => transaction.oidcLogins.take(sha256(binding)));
      if (bound === null) throw new AppError('OIDC_STATE_INVALID');
      // The allowlist may have changed since the sign-in started: it is checked again.
      const redirectTo = allowedRedirect(bound.redirectTo);
      if (redirectTo === null) throw new AppError('OIDC_REDIRECT_NOT_ALLOWED');
      try {
        const identity = await identityOf(provider, bound, query);
        const userId = await linkedUserFor(database, identity, outbox, origin);
        return { redirectTo, code: await issueCode(userId, bound.clientChallenge), failure: null };
      } catch (error) {
        const failure = oidcFailureOf(error);
        if (failure === null) throw error;
        return { redirectTo, code: null, failure };
      }
    },

    /**
     * Exchanges a one-time code and the verifier of the front end that started the sign-in for what
     * login answers; the code is consumed in the session's transaction.
     */
    exchange(code: string, codeVerifier: string, client: ClientInfo): Promise<AuthResponseDto> {
      return auth.startSessionFor(
        async (transaction) => {
          const row = await transaction.oidcCodes.take(sha256(code));
          if (row === null || row.expiresAt <= new Date()) throw new AppError('OIDC_CODE_INVALID');
          // Login CSRF: a code lured into another browser comes without the verifier its front end kept.
          if (!sameSecret(sha256(codeVerifier), row.clientChallenge)) throw new AppError('OIDC_CODE_INVALID');
          return row.userId;
        },
        client,
        'OIDC_CODE_INVALID',
      );
    },
  };
}

export type OidcService = ReturnType<typeof createOidcService>;
