import { AppError } from '../errors/app-error';
import type { ErrorCode } from '../errors/catalogue';
import { accountKey, clientKey, type RateLimiter, type RateLimitRule } from '../services/rate-limit.service';
import type { LoginInput, PasswordChangeInput, RefreshInput, SignupInput } from '../validators/auth.schemas';
import type { EmailVerifyInput, PasswordForgotInput, PasswordResetInput } from '../validators/email.schemas';
import type { OidcExchangeInput, OidcLoginQuery, OidcProviderParams } from '../validators/oidc.schemas';
import { authOf, type AppContext } from './context';
import type { BodyHandler } from './validate';

type Attempt = readonly [RateLimitRule, string];

/** Counts the attempt on each rule in turn; the first one over its limit answers 429. */
async function spend(limiter: RateLimiter, ctx: AppContext, attempts: readonly Attempt[]): Promise<void> {
  for (const [rule, key] of attempts) {
    const retryAfterSeconds = await limiter.consume(rule, key);
    if (retryAfterSeconds !== null) {
      ctx.set('Retry-After', String(retryAfterSeconds));
      throw new AppError('RATE_LIMITED');
    }
  }
}

/**
 * Wraps the handlers of the abuse-prone routes. Every attempt is counted after validation and
 * before the handler runs, so a limited request costs no bcrypt and no write beyond its counter.
 */
export function createRateLimits(limiter: RateLimiter) {
  /** Counts the attempts `attemptsOf` names, whatever the handler then answers. */
  function counted<T>(attemptsOf: (ctx: AppContext, input: T) => Attempt[], handler: BodyHandler<T>): BodyHandler<T> {
    return async (ctx, input) => {
      await spend(limiter, ctx, attemptsOf(ctx, input));
      await handler(ctx, input);
    };
  }

  function perIp<T>(rule: RateLimitRule, handler: BodyHandler<T>): BodyHandler<T> {
    return counted((ctx) => [[rule, clientKey(ctx.ip)]], handler);
  }

  /**
   * Per IP, plus a run of `failure`s per account, whatever IPs they come from. The account's
   * attempt is counted up front, so parallel guesses cannot overshoot the limit; a success clears
   * the run, and any other error gives the attempt back (an outage must not lock anyone out).
   */
  function perIpAndAccount<T>(
    rules: { perIp: RateLimitRule; perAccount: RateLimitRule; failure: ErrorCode },
    accountOf: (ctx: AppContext, input: T) => string,
    handler: BodyHandler<T>,
  ): BodyHandler<T> {
    return async (ctx, input) => {
      const account = accountOf(ctx, input);
      await spend(limiter, ctx, [
        [rules.perIp, clientKey(ctx.ip)],
        [rules.perAccount, account],
      ]);
      try {
        await handler(ctx, input);
      } catch (error) {
        if (!(error instanceof AppError && error.code === rules.failure))
          await limiter.refund(rules.perAccount, account);
        throw error;
      }
      await limiter.reset(rules.perAccount, account);
    };
  }

  return {
    signup: (handler: BodyHandler<SignupInput>) => perIp('signupPerIp', handler),
    // Unknown emails count like known ones, so a 429 never tells which accounts exist.
    login: (handler: BodyHandler<LoginInput>) =>
      perIpAndAccount(
        { perIp: 'loginPerIp', perAccount: 'loginFailuresPerAccount', failure: 'INVALID_CREDENTIALS' },
        (_ctx, input) => accountKey(input.email),
        handler,
      ),
    // A refresh token names a row that changes at every rotation; its session would cost a query.
    refresh: (handler: BodyHandler<RefreshInput>) => perIp('refreshPerIp', handler),
    password: (handler: BodyHandler<PasswordChangeInput>) =>
      perIpAndAccount(
        { perIp: 'passwordPerIp', perAccount: 'passwordFailuresPerAccount', failure: 'PASSWORD_INCORRECT' },
        (ctx) => String(authOf(ctx).token.userId),
        handler,
      ),
    // Each start writes a row and each callback calls the provider: bounded per IP like a login.
    oidcLogin: (handler: BodyHandler<OidcProviderParams & OidcLoginQuery>) => perIp('oidcLoginPerIp', handler),
    // A code is 256 random bits, so guessing is hopeless; the limit bounds the cost of trying anyway.
    oidcExchange: (handler: BodyHandler<OidcExchangeInput>) => perIp('oidcExchangePerIp', handler),
    // Every request counts, known email or not: a 429 never tells which accounts exist, and nobody
    // can flood one inbox from many IPs.
    passwordForgot: (handler: BodyHandler<PasswordForgotInput>): BodyHandler<PasswordForgotInput> =>
      counted(
        (ctx, input) => [
          ['mailPerIp', clientKey(ctx.ip)],
          ['mailPerAccount', accountKey(input.email)],
        ],
        handler,
      ),
    emailVerifyRequest:
      (handler: (ctx: AppContext) => Promise<void>) =>
      async (ctx: AppContext): Promise<void> => {
        const userKey = `user:${authOf(ctx).token.userId}`;
        await spend(limiter, ctx, [
          ['mailPerIp', clientKey(ctx.ip)],
          ['mailPerAccount', userKey],
        ]);
        await handler(ctx);
      },
    // Tokens are 256 random bits: the limit bounds the bcrypt a stream of wrong ones could cost.
    passwordReset: (handler: BodyHandler<PasswordResetInput>) => perIp('emailTokenPerIp', handler),
    emailVerify: (handler: BodyHandler<EmailVerifyInput>) => perIp('emailTokenPerIp', handler),
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
