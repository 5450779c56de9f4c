import { AppError } from '../errors/app-error';
import { CASE_MESSAGES, type ErrorCode } from '../errors/catalogue';
import { authOf, clientOf, type AppContext } from '../middleware/context';
import type { CookieTransport } from '../middleware/cookie-transport';
import type { AuthService, TokenPairDto } from '../services/auth.service';
import { looksLikeJwt } from '../services/token-shapes';
import type { LoginInput, RefreshInput, SignupInput } from '../validators/auth.schemas';

/** Refresh answers that mean the session behind the cookie is over: its cookies are useless now. */
const SESSION_OVER = new Set<ErrorCode>([
  'REFRESH_TOKEN_INVALID',
  'REFRESH_TOKEN_EXPIRED',
  'REFRESH_TOKEN_REVOKED',
  'REFRESH_TOKEN_REUSED',
]);

/** Thin HTTP handlers: read validated input, call the auth service, set status and body. */
export function createAuthController(auth: AuthService, cookies: CookieTransport) {
  /** Cookie transport: a refresh_token in the body wins; else the refresh cookie, with the CSRF check. */
  async function refreshByCookie(ctx: AppContext, bodyToken: string | undefined): Promise<TokenPairDto> {
    if (bodyToken !== undefined) return auth.refresh(bodyToken, clientOf(ctx));
    const cookieToken = cookies.refreshTokenOf(ctx);
    if (cookieToken === null) {
      throw new AppError('UNAUTHENTICATED', { message: CASE_MESSAGES.refreshTokenMissing });
    }
    if (looksLikeJwt(cookieToken)) {
      throw new AppError('REFRESH_TOKEN_INVALID', { message: CASE_MESSAGES.accessTokenAsRefreshToken });
    }
    cookies.requireCsrfToken(ctx);
    try {
      return await auth.refresh(cookieToken, clientOf(ctx));
    } catch (error) {
      // Not on 409 REFRESH_CONFLICT: the concurrent winner's fresh cookies must survive.
      if (error instanceof AppError && SESSION_OVER.has(error.code)) cookies.clear(ctx);
      throw error;
    }
  }

  return {
    ping: (ctx: AppContext): void => {
      ctx.body = { status: 'success', message: 'APIs are up and running' };
    },

    signup: async (ctx: AppContext, input: SignupInput): Promise<void> => {
      const byCookie = cookies.isRequested(ctx);
      const result = await auth.signup(input, clientOf(ctx));
      ctx.status = 201;
      ctx.body = byCookie ? { user: result.user, ...cookies.issue(ctx, result) } : result;
    },

    login: async (ctx: AppContext, input: LoginInput): Promise<void> => {
      const byCookie = cookies.isRequested(ctx);
      const result = await auth.login(input, clientOf(ctx));
      ctx.body = byCookie ? { user: result.user, ...cookies.issue(ctx, result) } : result;
    },

    refresh: async (ctx: AppContext, input: RefreshInput): Promise<void> => {
      if (cookies.isRequested(ctx)) {
        ctx.body = cookies.issue(ctx, await refreshByCookie(ctx, input.refresh_token));
        return;
      }
      if (input.refresh_token === undefined) {
        throw new AppError('VALIDATION_FAILED', {
          details: [{ field: 'refresh_token', message: 'refresh_token is required' }],
        });
      }
      ctx.body = await auth.refresh(input.refresh_token, clientOf(ctx));
    },

    user: (ctx: AppContext): void => {
      ctx.body = { user: authOf(ctx).user };
    },
  };
}

export type AuthController = ReturnType<typeof createAuthController>;
