import type { Next } from 'koa';
import { AppError } from '../errors/app-error';
import { CASE_MESSAGES } from '../errors/catalogue';
import { looksLikeRefreshToken } from '../services/token-shapes';
import type { AuthService } from '../services/auth.service';
import type { AppContext } from './context';
import type { CookieTransport } from './cookie-transport';

// RFC 7235: the scheme is case-insensitive; RFC 6750: the token is one b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The access token of the request: the `Authorization: Bearer` header when present (cookies are
 * then ignored entirely), else the access cookie, which on unsafe methods needs the CSRF token.
 */
function accessTokenOf(ctx: AppContext, cookies: CookieTransport): string | undefined {
  const header = ctx.get('Authorization');
  if (header !== '') return BEARER.exec(header)?.[1];
  const cookie = cookies.accessTokenOf(ctx);
  if (cookie === null) {
    ctx.set('WWW-Authenticate', 'Bearer');
    throw new AppError(
      'UNAUTHENTICATED',
      cookies.isEnabled ? { message: CASE_MESSAGES.unauthenticatedCookieMode } : {},
    );
  }
  // Checked before the token: a forged request learns nothing about the session and costs no query.
  if (cookies.needsCsrfCheck(ctx)) cookies.requireCsrfToken(ctx);
  return cookie;
}

/** Requires an access token (header or cookie) and puts the caller on `ctx.state.auth`. */
export function createAuthenticate(auth: AuthService, cookies: CookieTransport) {
  return async function authenticate(ctx: AppContext, next: Next): Promise<void> {
    const token = accessTokenOf(ctx, cookies);
    try {
      if (token === undefined) throw new AppError('TOKEN_INVALID');
      // A refresh token here is a mix-up worth naming; it would fail verification anyway.
      if (looksLikeRefreshToken(token)) {
        throw new AppError('TOKEN_INVALID', { message: CASE_MESSAGES.refreshTokenAsAccessToken });
      }
      ctx.state.auth = await auth.authenticate(token);
    } catch (error) {
      if (error instanceof AppError && error.status === 401) {
        ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      }
      throw error;
    }
    // Outside the try: an error further down must not turn into a 401.
    await next();
  };
}
