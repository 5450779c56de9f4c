import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { setTimeout as sleep } from 'node:timers/promises';
import { hmacKeyId } from '../../../src/services/key-material';
import { createHmacKeyStore } from '../../../src/services/keys.service';
import { createTokenService } from '../../../src/services/token.service';
import { expectAppError } from '../../support/app-errors';
import { TEST_SECRET, testConfig } from '../../support/config';

/** The token service over the HMAC secret of a test configuration with `overrides`. */
function hmacTokens(overrides: Record<string, string> = {}) {
  const { jwt: jwtConfig } = testConfig(overrides);
  return createTokenService(jwtConfig, createHmacKeyStore(jwtConfig));
}

function decodePayload(token: string): Record<string, unknown> {
  return jwt.decode(token) as Record<string, unknown>;
}

const SUBJECT = { userId: 1, sessionId: 's', tokenVersion: 0 };

describe('token service', () => {
  const tokens = hmacTokens();

  it('issues a token that verifies back to the same user, jti and expiry', async () => {
    const issued = await tokens.issueAccessToken({ userId: 42, sessionId: 'session-1', tokenVersion: 3 });
    const claims = await tokens.verifyAccessToken(issued.accessToken);

    expect(claims.userId).to.equal(42);
    expect(claims.jti).to.equal(issued.jti);
    expect(claims.sessionId).to.equal('session-1');
    expect(claims.tokenVersion).to.equal(3);
    expect(claims.expiresAt.getTime() - claims.issuedAt.getTime()).to.equal(900_000);
    expect(issued.expiresInSeconds).to.equal(900);
  });

  it('puts a kid derived from the secret, not the secret, in every HMAC token', async () => {
    const { accessToken } = await tokens.issueAccessToken(SUBJECT);
    const kid = jwt.decode(accessToken, { complete: true })?.header.kid;
    expect(kid).to.equal(hmacKeyId(TEST_SECRET));
    expect(kid).to.have.length(22);
    expect(TEST_SECRET).not.to.include(String(kid));
  });

  it('refuses a kid that names no key, and one that is not a string', async () => {
    const claims = { sub: '1', jti: 'k', sid: 's', ver: 0 };
    await expectAppError(
      tokens.verifyAccessToken(jwt.sign(claims, TEST_SECRET, { keyid: 'another' })),
      'TOKEN_INVALID',
    );
    const numericKid = jwt.sign(claims, TEST_SECRET, { header: { alg: 'HS256', kid: 42 } as unknown as jwt.JwtHeader });
    await expectAppError(tokens.verifyAccessToken(numericKid), 'TOKEN_INVALID');
  });

  it('gives every token a different 128-bit jti', async () => {
    const issued = await Promise.all(Array.from({ length: 1000 }, () => tokens.issueAccessToken(SUBJECT)));
    const jtis = new Set(issued.map(({ jti }) => jti));
    expect(jtis.size).to.equal(1000);
    expect(Buffer.from([...jtis][0] ?? '', 'base64url')).to.have.length(16);
  });

  it('signs with the configured algorithm and only accepts that one', async () => {
    const hs512 = hmacTokens({ JWT_ALGORITHM: 'HS512' });
    const token = (await hs512.issueAccessToken({ userId: 7, sessionId: 's', tokenVersion: 0 })).accessToken;
    expect(jwt.decode(token, { complete: true })?.header.alg).to.equal('HS512');
    expect((await hs512.verifyAccessToken(token)).userId).to.equal(7);
    await expectAppError(tokens.verifyAccessToken(token), 'TOKEN_INVALID');
  });

  it('rejects a token from another issuer configuration', async () => {
    const other = hmacTokens({ JWT_ISSUER: 'https://other.example' });
    const strict = hmacTokens({ JWT_ISSUER: 'https://auth.example' });
    const token = (await other.issueAccessToken(SUBJECT)).accessToken;
    await expectAppError(strict.verifyAccessToken(token), 'TOKEN_INVALID');
  });

  it('maps expiry to TOKEN_EXPIRED', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = jwt.sign({ sub: '1', jti: 'x', sid: 's', ver: 0, iat: now - 100, exp: now - 10 }, TEST_SECRET);
    await expectAppError(tokens.verifyAccessToken(token), 'TOKEN_EXPIRED');
  });

  it('remembers a verified token but still expires it on time', async () => {
    const now = Math.floor(Date.now() / 1000);
    // Two seconds, not one: `now` is rounded down, and a loaded machine may take most of a second
    // to reach the first verification.
    const token = jwt.sign({ sub: '5', jti: 'memo', sid: 's', ver: 0, iat: now, exp: now + 2 }, TEST_SECRET);
    const first = await tokens.verifyAccessToken(token);
    expect(await tokens.verifyAccessToken(token)).to.equal(first);
    await sleep(Math.max(0, (now + 2) * 1000 - Date.now()) + 20);
    await expectAppError(tokens.verifyAccessToken(token), 'TOKEN_EXPIRED');
  });

  it('does not mistake a tampered copy of a remembered token for it', async () => {
    const token = (await tokens.issueAccessToken({ userId: 9, sessionId: 's', tokenVersion: 0 })).accessToken;
    await tokens.verifyAccessToken(token);
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ ...decodePayload(token), sub: '1' })).toString('base64url');
    await expectAppError(tokens.verifyAccessToken(`${header}.${payload}.${signature}`), 'TOKEN_INVALID');
  });

  it('refuses a signed token whose exp or iat lies beyond what a DATETIME stores', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const times of [{ exp: 1e300 }, { exp: 253_402_300_800 }, { iat: -1 }, { iat: 2 ** 53 }]) {
      const token = jwt.sign(
        { sub: '3', jti: 'far', sid: 's', ver: 0, iat: now, exp: now + 60, ...times },
        TEST_SECRET,
      );
      await expectAppError(tokens.verifyAccessToken(token), 'TOKEN_INVALID');
    }
  });

  it('refuses to exist without a secret', () => {
    expect(() => createHmacKeyStore({ ...testConfig().jwt, secret: null })).to.throw('JWT_SECRET is not configured');
  });
});
