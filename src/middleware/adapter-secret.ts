import { createHash, timingSafeEqual } from 'node:crypto';
import type { Next } from 'koa';
import { AppError } from '../errors/app-error';
import { clientKey, type RateLimiter } from '../services/rate-limit.service';
import type { AppContext } from './context';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Lets a request through only with `X-Auth-Secret: <secret>`; otherwise 401 ADAPTER_SECRET_INVALID
 * before anything is read or written, and past RATE_LIMIT_ADAPTER_SECRET_FAILURES_PER_IP failures
 * from one IP, 429.
 */
export function createAdapterSecretCheck(secret: string, limiter: RateLimiter) {
  const expected = digest(secret);
  return async (ctx: AppContext, next: Next): Promise<void> => {
    // Compared as SHA-256 digests in constant time: neither the secret's bytes nor its length leak.
    if (!timingSafeEqual(digest(ctx.get('X-Auth-Secret')), expected)) {
      // Only failures count: an app with the right secret is never limited by a guesser on its IP.
      const { retryAfterSeconds } = await limiter.consume('adapterSecretFailuresPerIp', clientKey(ctx.ip));
      if (retryAfterSeconds !== null) {
        ctx.set('Retry-After', String(retryAfterSeconds));
        throw new AppError('RATE_LIMITED');
      }
      throw new AppError('ADAPTER_SECRET_INVALID');
    }
    await next();
  };
}
