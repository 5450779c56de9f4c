import { expect } from 'chai';
import { AppError } from '../../../src/errors/app-error';
import { createRateLimits, type Lockouts } from '../../../src/middleware/rate-limit';
import {
  accountKey,
  type Consumption,
  type RateLimiter,
  type RateLimitRule,
} from '../../../src/services/rate-limit.service';
import { fakeContext } from '../../support/koa-context';

const INPUT = { email: 'someone@example.com', password: 'whatever' };

/** A limiter that answers `answers[rule]` (allowed, with points left, when absent) and records every call. */
function recordingLimiter(answers: Partial<Record<RateLimitRule, Consumption>> = {}) {
  const calls: string[] = [];
  const limiter: RateLimiter = {
    consume: (rule, key) => {
      calls.push(`consume ${rule} ${key}`);
      return Promise.resolve(answers[rule] ?? { retryAfterSeconds: null, tookLastPoint: false });
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

/** Lockouts that record each one as `login <email>`. */
function recordingLockouts() {
  const told: string[] = [];
  const lockouts: Lockouts = {
    login: (email) => {
      told.push(`login ${email}`);
      return Promise.resolve();
    },
  };
  return { lockouts, told };
}

const LAST_POINT: Consumption = { retryAfterSeconds: null, tookLastPoint: true };
const failWith = (code: 'INVALID_CREDENTIALS' | 'SERVICE_UNAVAILABLE') => () => Promise.reject(new AppError(code));

describe('rate-limit middleware', () => {
  it('answers 429 with Retry-After when the IP is limited, before counting the account or running the handler', async () => {
    const { limiter, calls } = recordingLimiter({ loginPerIp: { retryAfterSeconds: 30, tookLastPoint: false } });
    const { lockouts, told } = recordingLockouts();
    const ctx = fakeContext();
    let ran = false;
    const login = createRateLimits(limiter, lockouts).login(() => {
      ran = true;
      return Promise.resolve();
    });

    const failure: unknown = await login(ctx, INPUT).catch((error: unknown) => error);

    expect(failure).to.be.instanceOf(AppError).and.include({ code: 'RATE_LIMITED', status: 429 });
    expect(ctx.response.get('Retry-After')).to.equal('30');
    expect(calls).to.deep.equal(['consume loginPerIp unknown']);
    expect(ran).to.equal(false);
    expect(told).to.deep.equal([]);
  });

  it('gives the account attempt back when the handler fails for another reason than the credentials', async () => {
    const { limiter, calls } = recordingLimiter({ loginFailuresPerAccount: LAST_POINT });
    const { lockouts, told } = recordingLockouts();
    const login = createRateLimits(limiter, lockouts).login(failWith('SERVICE_UNAVAILABLE'));

    const failure: unknown = await login(fakeContext(), INPUT).catch((error: unknown) => error);

    expect(failure).to.be.instanceOf(AppError).and.include({ code: 'SERVICE_UNAVAILABLE' });
    const account = accountKey(INPUT.email);
    expect(calls).to.deep.equal([
      'consume loginPerIp unknown',
      `consume loginFailuresPerAccount ${account}`,
      `refund loginFailuresPerAccount ${account}`,
    ]);
    expect(told).to.deep.equal([]);
  });

  it('tells of a lockout when the failed login took the last attempt of the account, and still answers 401', async () => {
    const { limiter } = recordingLimiter({ loginFailuresPerAccount: LAST_POINT });
    const { lockouts, told } = recordingLockouts();
    const login = createRateLimits(limiter, lockouts).login(failWith('INVALID_CREDENTIALS'));

    const failure: unknown = await login(fakeContext(), INPUT).catch((error: unknown) => error);

    expect(failure).to.be.instanceOf(AppError).and.include({ code: 'INVALID_CREDENTIALS', status: 401 });
    expect(told).to.deep.equal([`login ${INPUT.email}`]);
  });

  it('tells of no lockout for a failure with attempts left, nor for a success on the last attempt', async () => {
    const { limiter } = recordingLimiter();
    const { lockouts, told } = recordingLockouts();
    await createRateLimits(limiter, lockouts)
      .login(failWith('INVALID_CREDENTIALS'))(fakeContext(), INPUT)
      .catch(() => undefined);
    const last = recordingLimiter({ loginFailuresPerAccount: LAST_POINT });
    await createRateLimits(last.limiter, lockouts).login(() => Promise.resolve())(fakeContext(), INPUT);

    expect(told).to.deep.equal([]);
    expect(last.calls.at(-1)).to.equal(`reset loginFailuresPerAccount ${accountKey(INPUT.email)}`);
  });

  it('tells of no lockout when the last wrong current password is spent on POST /auth/password', async () => {
    const { limiter } = recordingLimiter({ passwordFailuresPerAccount: LAST_POINT });
    const { lockouts, told } = recordingLockouts();
    const ctx = fakeContext();
    ctx.state.auth = {
      user: {
        id: 7,
        email: 'a@example.com',
        name: 'A',
        role: 'user',
        email_verified: false,
        registered_on: '2026-01-01T00:00:00.000Z',
      },
      token: {
        userId: 7,
        jti: 'j',
        sessionId: 's',
        tokenVersion: 0,
        issuedAt: new Date(0),
        expiresAt: new Date(1),
        acceptedUntil: new Date(1),
      },
    };
    const change = createRateLimits(limiter, lockouts).password(() =>
      Promise.reject(new AppError('PASSWORD_INCORRECT')),
    );

    const failure: unknown = await change(ctx, { current_password: 'x', new_password: 'y' }).catch(
      (error: unknown) => error,
    );

    expect(failure).to.be.instanceOf(AppError).and.include({ code: 'PASSWORD_INCORRECT' });
    expect(told).to.deep.equal([]);
  });
});
