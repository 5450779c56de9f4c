import { expect } from 'chai';
import { AppError } from '../../../src/errors/app-error';
import { createRateLimits } from '../../../src/middleware/rate-limit';
import { accountKey, type RateLimiter, type RateLimitRule } from '../../../src/services/rate-limit.service';
import { fakeContext } from '../../support/koa-context';

const INPUT = { email: 'someone@example.com', password: 'whatever' };

/** A limiter that answers `retryAfter[rule]` (null when absent) and records every call. */
function recordingLimiter(retryAfter: Partial<Record<RateLimitRule, number>> = {}) {
  const calls: string[] = [];
  const limiter: RateLimiter = {
    consume: (rule, key) => {
      calls.push(`consume ${rule} ${key}`);
      return Promise.resolve(retryAfter[rule] ?? null);
    },
    refund: (rule, key) => {
      calls.push(`refund ${rule} ${key}`);
      return Promise.resolve();
    },
    reset: (rule, key) => {
      calls.push(`reset ${rule} ${key}`);
      return Promise.resolve();
    },
  };
  return { limiter, calls };
}

describe('rate-limit middleware', () => {
  it('answers 429 with Retry-After when the IP is limited, before counting the account or running the handler', async () => {
    const { limiter, calls } = recordingLimiter({ loginPerIp: 30 });
    const ctx = fakeContext();
    let ran = false;
    const login = createRateLimits(limiter).login(() => {
      ran = true;
      return Promise.resolve();
    });

    const failure: unknown = await login(ctx, INPUT).catch((error: unknown) => error);

    expect(failure).to.be.instanceOf(AppError).and.include({ code: 'RATE_LIMITED', status: 429 });
    expect(ctx.response.get('Retry-After')).to.equal('30');
    expect(calls).to.deep.equal(['consume loginPerIp unknown']);
    expect(ran).to.equal(false);
  });

  it('gives the account attempt back when the handler fails for another reason than the credentials', async () => {
    const { limiter, calls } = recordingLimiter();
    const login = createRateLimits(limiter).login(() => Promise.reject(new AppError('SERVICE_UNAVAILABLE')));

    const failure: unknown = await login(fakeContext(), INPUT).catch((error: unknown) => error);

    expect(failure).to.be.instanceOf(AppError).and.include({ code: 'SERVICE_UNAVAILABLE' });
    const account = accountKey(INPUT.email);
    expect(calls).to.deep.equal([
      'consume loginPerIp unknown',
      `consume loginFailuresPerAccount ${account}`,
      `refund loginFailuresPerAccount ${account}`,
    ]);
  });
});
