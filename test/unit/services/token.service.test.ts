import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../../src/errors/app-error';
import { createTokenService } from '../../../src/services/token.service';
import { TEST_SECRET, testConfig } from '../../support/config';

function decodePayload(token: string): Record<string, unknown> {
  return jwt.decode(token) as Record<string, unknown>;
}

describe('token service', () => {
  const tokens = createTokenService(testConfig().jwt);

  it('issues a token that verifies back to the same user, jti and expiry', () => {
    const issued = tokens.issueAccessToken({ userId: 42, sessionId: 'session-1', tokenVersion: 3 });
    const claims = tokens.verifyAccessToken(issued.accessToken);

    expect(claims.userId).to.equal(42);
    expect(claims.jti).to.equal(issued.jti);
    expect(claims.sessionId).to.equal('session-1');
    expect(claims.tokenVersion).to.equal(3);
    expect(claims.expiresAt.getTime() - claims.issuedAt.getTime()).to.equal(900_000);
    expect(issued.expiresInSeconds).to.equal(900);
  });

  it('gives every token a different 128-bit jti', () => {
    const jtis = new Set(
      Array.from({ length: 1000 }, () => tokens.issueAccessToken({ userId: 1, sessionId: 's', tokenVersion: 0 }).jti),
    );
    expect(jtis.size).to.equal(1000);
    expect(Buffer.from([...jtis][0] ?? '', 'base64url')).to.have.length(16);
  });

  it('signs with the configured algorithm and only accepts that one', () => {
    const hs512 = createTokenService(testConfig({ JWT_ALGORITHM: 'HS512' }).jwt);
    const token = hs512.issueAccessToken({ userId: 7, sessionId: 's', tokenVersion: 0 }).accessToken;
    expect(jwt.decode(token, { complete: true })?.header.alg).to.equal('HS512');
    expect(hs512.verifyAccessToken(token).userId).to.equal(7);
    expect(() => tokens.verifyAccessToken(token))
      .to.throw(AppError)
      .with.property('code', 'TOKEN_INVALID');
  });

  it('rejects a token from another issuer configuration', () => {
    const other = createTokenService(testConfig({ JWT_ISSUER: 'https://other.example' }).jwt);
    const strict = createTokenService(testConfig({ JWT_ISSUER: 'https://auth.example' }).jwt);
    const token = other.issueAccessToken({ userId: 1, sessionId: 's', tokenVersion: 0 }).accessToken;
    expect(() => strict.verifyAccessToken(token))
      .to.throw(AppError)
      .with.property('code', 'TOKEN_INVALID');
  });

  it('maps expiry to TOKEN_EXPIRED', () => {
    const now = Math.floor(Date.now() / 1000);
    const token = jwt.sign({ sub: '1', jti: 'x', sid: 's', ver: 0, iat: now - 100, exp: now - 10 }, TEST_SECRET);
    expect(() => tokens.verifyAccessToken(token))
      .to.throw(AppError)
      .with.property('code', 'TOKEN_EXPIRED');
  });

  it('remembers a verified token but still expires it on time', async () => {
    const now = Math.floor(Date.now() / 1000);
    // Two seconds, not one: `now` is rounded down, and a loaded machine may take most of a second
    // to reach the first verification.
    const token = jwt.sign({ sub: '5', jti: 'memo', sid: 's', ver: 0, iat: now, exp: now + 2 }, TEST_SECRET);
    const first = tokens.verifyAccessToken(token);
    expect(tokens.verifyAccessToken(token)).to.equal(first);
    await sleep(Math.max(0, (now + 2) * 1000 - Date.now()) + 20);
    expect(() => tokens.verifyAccessToken(token))
      .to.throw(AppError)
      .with.property('code', 'TOKEN_EXPIRED');
  });

  it('does not mistake a tampered copy of a remembered token for it', () => {
    const token = tokens.issueAccessToken({ userId: 9, sessionId: 's', tokenVersion: 0 }).accessToken;
    tokens.verifyAccessToken(token);
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ ...decodePayload(token), sub: '1' })).toString('base64url');
    expect(() => tokens.verifyAccessToken(`${header}.${payload}.${signature}`))
      .to.throw(AppError)
      .with.property('code', 'TOKEN_INVALID');
  });

  it('refuses a signed token whose exp or iat lies beyond what a DATETIME stores', () => {
    const now = Math.floor(Date.now() / 1000);
    for (const times of [{ exp: 1e300 }, { exp: 253_402_300_800 }, { iat: -1 }, { iat: 2 ** 53 }]) {
      const token = jwt.sign(
        { sub: '3', jti: 'far', sid: 's', ver: 0, iat: now, exp: now + 60, ...times },
        TEST_SECRET,
      );
      expect(() => tokens.verifyAccessToken(token), JSON.stringify(times))
        .to.throw(AppError)
        .with.property('code', 'TOKEN_INVALID');
    }
  });

  it('refuses to exist without a secret', () => {
    expect(() => createTokenService({ ...testConfig().jwt, secret: null })).to.throw('JWT_SECRET is not configured');
  });
});
