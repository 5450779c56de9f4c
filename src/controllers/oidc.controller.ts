import type { Logger } from 'pino';
import { AppError } from '../errors/app-error';
import type { ErrorCode } from '../errors/catalogue';
import type { BindingCookie } from '../middleware/binding-cookie';
import { authOf, clientOf, originOf, type AppContext } from '../middleware/context';
import type { CookieTransport } from '../middleware/cookie-transport';
import type { LinkedAccountsService } from '../services/linked-accounts.service';
import type { CallbackOutcome, OidcService } from '../services/oidc.service';
import type { AccountParams, OidcExchangeInput, OidcLoginQuery, OidcProviderParams } from '../validators/oidc.schemas';

/** The browser's next stop: `redirect_to` with the one-time code or the error; never a token. */
function resultUrl(outcome: CallbackOutcome): string {
  const url = new URL(outcome.redirectTo);
  if (outcome.failure === null) {
    url.searchParams.set('code', outcome.code);
  } else {
    url.searchParams.set('error', outcome.failure.code);
    if (outcome.failure.providerError !== null) url.searchParams.set('details', outcome.failure.providerError);
  }
  return url.href;
}

/** Handlers of OpenID sign-in and of the caller's linked providers. */
export function createOidcController(
  oidc: OidcService,
  accounts: LinkedAccountsService,
  cookies: CookieTransport,
  binding: BindingCookie,
  logger: Logger,
) {
  /** Every failed sign-in step is logged with its code and the request id (never a code, state or token). */
  const logFailure = (ctx: AppContext, code: ErrorCode, provider: string | null): void => {
    logger.warn({ requestId: ctx.state.requestId, code, provider }, 'oidc sign-in failed');
  };

  async function logged(ctx: AppContext, provider: string | null, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      logFailure(ctx, error instanceof AppError ? error.code : 'INTERNAL_ERROR', provider);
      throw error;
    }
  }

  return {
    login: (ctx: AppContext, input: OidcProviderParams & OidcLoginQuery): Promise<void> =>
      logged(ctx, input.provider, async () => {
        const started = await oidc.beginLogin(input.provider, input.redirect_to, input.code_challenge);
        binding.set(ctx, started.binding);
        ctx.redirect(started.authorizationUrl);
      }),

    callback: (ctx: AppContext, params: OidcProviderParams): Promise<void> =>
      logged(ctx, params.provider, async () => {
        binding.clear(ctx);
        const outcome = await oidc.completeLogin(params.provider, binding.read(ctx), ctx.querystring, originOf(ctx));
        if (outcome.failure !== null) logFailure(ctx, outcome.failure.code, params.provider);
        ctx.redirect(resultUrl(outcome));
      }),

    exchange: (ctx: AppContext, input: OidcExchangeInput): Promise<void> =>
      logged(ctx, null, async () => {
        const byCookie = cookies.isRequested(ctx);
        const result = await oidc.exchange(input.code, input.code_verifier, clientOf(ctx));
        ctx.body = byCookie ? { user: result.user, ...cookies.issue(ctx, result) } : result;
      }),

    listAccounts: async (ctx: AppContext): Promise<void> => {
      ctx.body = { accounts: await accounts.list(authOf(ctx).user.id) };
    },

    unlinkAccount: async (ctx: AppContext, params: AccountParams): Promise<void> => {
      await accounts.unlink(authOf(ctx).user.id, params.provider, originOf(ctx));
      ctx.body = { message: 'Account unlinked' };
    },
  };
}

export type OidcController = ReturnType<typeof createOidcController>;
