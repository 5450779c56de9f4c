import { AppError } from '../errors/app-error';
import type { ErrorCode } from '../errors/catalogue';
import type { RequestOrigin } from '../services/audit.service';
import {
  accountKey,
  clientKey,
  type Consumption,
  type RateLimiter,
  type RateLimitRule,
} from '../services/rate-limit.service';
import type { LoginInput, PasswordChangeInput, RefreshInput, SignupInput } from '../validators/auth.schemas';
import type { EmailVerifyInput, PasswordForgotInput, PasswordResetInput } from '../validators/email.schemas';
import type { OidcExchangeInput, OidcLoginQuery, OidcProviderParams } from '../validators/oidc.schemas';
import { authOf, originOf, type AppContext } from './context';
import type { BodyHandler } from './validate';

/** Counts one attempt on `rule`; over its limit, answers 429. */
async function spend(limiter: RateLimiter, ctx: AppContext, rule: RateLimitRule, key: string): Promise<Consumption> {
  const consumption = await limiter.consume(rule, key);
  if (consumption.retryAfterSeconds !== null) {
    ctx.set('Retry-After', String(consumption.retryAfterSeconds));
    throw new AppError('RATE_LIMITED');
  }
  return consumption;
}

/** Told once per lockout: when the failure that took an account's last attempt of the window has happened. */
export interface Lockouts {
  login(email: string, origin: RequestOrigin): Promise<void>;
}

/**
 * Wraps the handlers of the abuse-prone routes. Every attempt is counted after validation and
 * before the handler runs, so a limited request costs no bcrypt and no write beyond its counter.
 */
export function createRateLimits(limiter: RateLimiter, lockouts: Lockouts) {
  /** Counts every request on `rule` under the key `keyOf` gives, whatever the handler then answers. */
  function counted<T>(
    rule: RateLimitRule,
    keyOf: (ctx: AppContext, input: T) => string,
    handler: BodyHandler<T>,
  ): BodyHandler<T> {
    return async (ctx, input) => {
      await spend(limiter, ctx, rule, keyOf(ctx, input));
      await handler(ctx, input);
    };
  }

  const perIp = <T>(rule: RateLimitRule, handler: BodyHandler<T>): BodyHandler<T> =>
    counted(rule, (ctx) => clientKey(ctx.ip), handler);

  /**
   * A run of `failure`s per account, whatever IPs they come from. The account's attempt is counted
   * up front, so parallel guesses cannot overshoot the limit; a success clears the run, and any
   * other error gives the attempt back (an outage must not lock anyone out). The failure that took
   * the account's last attempt locks it: `onLockout` is told of that one.
   */
  function failuresPerAccount<T>(
    rules: { perAccount: RateLimitRule; failure: ErrorCode },
    accountOf: (ctx: AppContext, input: T) => string,
    handler: BodyHandler<T>,
    onLockout: ((ctx: AppContext, input: T) => Promise<void>) | null = null,
  ): BodyHandler<T> {
    return async (ctx, input) => {
      const account = accountOf(ctx, input);
      const consumption = await spend(limiter, ctx, rules.perAccount, account);
      try {
        await handler(ctx, input);
      } catch (error) {
        const failed = error instanceof AppError && error.code === rules.failure;
        if (!failed) await limiter.refund(rules.perAccount, account);
        else if (consumption.tookLastPoint && onLockout !== null) await onLockout(ctx, input);
        throw error;
      }
      await limiter.reset(rules.perAccount, account);
    };
  }

  return {
    signup: (handler: BodyHandler<SignupInput>) => perIp('signupPerIp', handler),
    // Unknown emails count like known ones, so a 429 never tells which accounts exist.
    login: (handler: BodyHandler<LoginInput>) =>
      perIp(
        'loginPerIp',
        failuresPerAccount(
          { perAccount: 'loginFailuresPerAccount', failure: 'INVALID_CREDENTIALS' },
          (_ctx, input) => accountKey(input.email),
          handler,
          (ctx, input) => lockouts.login(input.email, originOf(ctx)),
        ),
      ),
    // A refresh token names a row that changes at every rotation; its session would cost a query.
    refresh: (handler: BodyHandler<RefreshInput>) => perIp('refreshPerIp', handler),
    password: (handler: BodyHandler<PasswordChangeInput>) =>
      perIp(
        'passwordPerIp',
        failuresPerAccount(
          { perAccount: 'passwordFailuresPerAccount', failure: 'PASSWORD_INCORRECT' },
          (ctx) => String(authOf(ctx).token.userId),
          handler,
        ),
      ),
    // Each start writes a row and each callback calls the provider: bounded per IP like a login.
    oidcLogin: (handler: BodyHandler<OidcProviderParams & OidcLoginQuery>) => perIp('oidcLoginPerIp', handler),
    // A code is 256 random bits, so guessing is hopeless; the limit bounds the cost of trying anyway.
    oidcExchange: (handler: BodyHandler<OidcExchangeInput>) => perIp('oidcExchangePerIp', handler),
    // Every request counts, known email or not: a 429 never tells which accounts exist, and nobody
    // can flood one inbox from many IPs.
    passwordForgot: (handler: BodyHandler<PasswordForgotInput>) =>
      perIp(
        'mailPerIp',
        counted('mailPerAccount', (_ctx, input) => accountKey(input.email), handler),
      ),
    // A request without a body: the handler is wrapped as one that ignores its input.
    emailVerifyRequest: (handler: (ctx: AppContext) => Promise<void>) => {
      const limited = perIp(
        'mailPerIp',
        counted(
          'mailPerAccount',
          (ctx) => `user:${authOf(ctx).token.userId}`,
          (ctx: AppContext) => handler(ctx),
        ),
      );
      return (ctx: AppContext): Promise<void> => limited(ctx, undefined);
    },
    // Tokens are 256 random bits: the limit bounds the bcrypt a stream of wrong ones could cost.
    passwordReset: (handler: BodyHandler<PasswordResetInput>) => perIp('emailTokenPerIp', handler),
    emailVerify: (handler: BodyHandler<EmailVerifyInput>) => perIp('emailTokenPerIp', handler),
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
