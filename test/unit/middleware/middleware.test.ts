import { expect } from 'chai';
import pino from 'pino';
import type { Writable } from 'node:stream';
import { AppError } from '../../../src/errors/app-error';
import { createAuthenticate } from '../../../src/middleware/authenticate';
import { createCookieTransport } from '../../../src/middleware/cookie-transport';
import { createErrorHandler } from '../../../src/middleware/error-handler';
import type { AuthService, Authenticated } from '../../../src/services/auth.service';
import { FAKE_REQUEST_ID, fakeContext } from '../../support/koa-context';

const CALLER: Authenticated = {
  user: {
    id: 1,
    email: 'a@example.com',
    name: 'A',
    role: 'user',
    email_verified: false,
    registered_on: '2026-01-01T00:00:00.000Z',
  },
  token: {
    userId: 1,
    jti: 'j',
    sessionId: 's',
    tokenVersion: 0,
    issuedAt: new Date(0),
    expiresAt: new Date(1000),
    acceptedUntil: new Date(1000),
  },
};

const NO_COOKIES = createCookieTransport({ enabled: false, secure: true, domain: null });

function authServiceThat(authenticate: AuthService['authenticate']): AuthService {
  const unused = (): Promise<never> => Promise.reject(new Error('not used'));
  return {
    authenticate,
    signup: unused,
    login: unused,
    recordLoginLockout: unused,
    refresh: unused,
    startSessionFor: unused,
  };
}

describe('authenticate middleware', () => {
  it('puts the caller on ctx.state.auth and calls next', async () => {
    const ctx = fakeContext({ headers: { authorization: 'Bearer abc.def.ghi' } });
    let seenToken = '';
    const middleware = createAuthenticate(
      authServiceThat((token) => {
        seenToken = token;
        return Promise.resolve(CALLER);
      }),
      NO_COOKIES,
    );
    let nextCalled = false;
    await middleware(ctx, () => {
      nextCalled = true;
      return Promise.resolve();
    });
    expect(seenToken).to.equal('abc.def.ghi');
    expect(ctx.state.auth).to.equal(CALLER);
    expect(nextCalled).to.equal(true);
  });

  it('rejects a non-Bearer header without asking the service, with invalid_token', async () => {
    const ctx = fakeContext({ headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    let asked = false;
    const middleware = createAuthenticate(
      authServiceThat(() => {
        asked = true;
        return Promise.resolve(CALLER);
      }),
      NO_COOKIES,
    );
    const failure = await middleware(ctx, () => Promise.resolve()).catch((error: unknown) => error);
    expect(failure).to.have.property('code', 'TOKEN_INVALID');
    expect(asked).to.equal(false);
    expect(ctx.response.get('WWW-Authenticate')).to.equal('Bearer error="invalid_token"');
  });

  it('lets an error from downstream through unchanged, not as a 401', async () => {
    const ctx = fakeContext({ headers: { authorization: 'Bearer abc' } });
    const middleware = createAuthenticate(
      authServiceThat(() => Promise.resolve(CALLER)),
      NO_COOKIES,
    );
    const downstream = new Error('database exploded');
    const failure = await middleware(ctx, () => Promise.reject(downstream)).catch((error: unknown) => error);
    expect(failure).to.equal(downstream);
    expect(ctx.response.get('WWW-Authenticate')).to.equal(undefined);
  });

  it('does not claim invalid_token when the check itself failed for another reason', async () => {
    const ctx = fakeContext({ headers: { authorization: 'Bearer abc' } });
    const middleware = createAuthenticate(
      authServiceThat(() => Promise.reject(new AppError('SERVICE_UNAVAILABLE'))),
      NO_COOKIES,
    );
    const failure = await middleware(ctx, () => Promise.resolve()).catch((error: unknown) => error);
    expect(failure).to.have.property('code', 'SERVICE_UNAVAILABLE');
    expect(ctx.response.get('WWW-Authenticate')).to.equal(undefined);
  });
});

describe('error handler', () => {
  function capturingLogger(): { logger: pino.Logger; lines: string[] } {
    const lines: string[] = [];
    const stream = { write: (line: string) => lines.push(line) } as unknown as Writable;
    return { logger: pino({ level: 'error' }, stream), lines };
  }

  it('answers an unexpected error with a bare 500 and logs it with the request id', async () => {
    const { logger, lines } = capturingLogger();
    const ctx = fakeContext();
    await createErrorHandler(logger)(ctx, () => Promise.reject(new Error('ER_PARSE_ERROR near SELECT')));

    expect(ctx.status).to.equal(500);
    expect(ctx.body).to.deep.equal({ error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side.' } });
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include('ER_PARSE_ERROR').and.include(`"requestId":"${FAKE_REQUEST_ID}"`);
  });

  it('sends Retry-After when the error says when to try again', async () => {
    const { logger } = capturingLogger();
    const ctx = fakeContext();
    const busy = new AppError('SERVICE_UNAVAILABLE', { retryAfterSeconds: 1 });
    await createErrorHandler(logger)(ctx, () => Promise.reject(busy));
    expect(ctx.status).to.equal(503);
    expect(ctx.response.get('Retry-After')).to.equal('1');
  });

  it('does not log client errors', async () => {
    const { logger, lines } = capturingLogger();
    const ctx = fakeContext();
    await createErrorHandler(logger)(ctx, () => Promise.reject(new AppError('EMAIL_TAKEN')));
    expect(ctx.status).to.equal(409);
    expect(lines).to.have.length(0);
  });

  it('leaves an answered request alone', async () => {
    const { logger } = capturingLogger();
    const ctx = fakeContext();
    await createErrorHandler(logger)(ctx, () => {
      ctx.status = 204;
      return Promise.resolve();
    });
    expect(ctx.status).to.equal(204);
    expect(ctx.body).to.equal(undefined);
  });
});
