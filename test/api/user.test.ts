import { expect } from 'chai';
import { User } from '../../src/models';
import jwt from 'jsonwebtoken';
import { TEST_SECRET } from '../support/config';
import { api, decode, loggedInUser, signRawToken, signToken } from '../support/factories';

const NOW_SECONDS = (): number => Math.floor(Date.now() / 1000);

let sessionId = '';

/** Claims like the server's own, for a user id and a live session, with `changes` applied (undefined deletes). */
function claims(userId: number, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    sub: String(userId),
    sid: sessionId,
    ver: 0,
    jti: `test-${Math.random().toString(36).slice(2)}`,
    iat: NOW_SECONDS(),
    exp: NOW_SECONDS() + 600,
    ...changes,
  };
  return Object.fromEntries(Object.entries(base).filter(([, value]) => value !== undefined));
}

describe('GET /auth/user', () => {
  it('returns 200 with the caller and never the password hash', async () => {
    const { user, accessToken } = await loggedInUser();
    const response = await api().get('/auth/user').set('Authorization', `Bearer ${accessToken}`);

    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({
      user: {
        id: user.id,
        email: user.email,
        name: user.name,
        role: 'user',
        email_verified: false,
        registered_on: user.createdAt.toISOString(),
      },
    });
    expect(response.text).to.not.include('$2b$');
  });

  it('accepts the scheme in any letter case', async () => {
    const { accessToken } = await loggedInUser();
    const response = await api().get('/auth/user').set('Authorization', `bearer ${accessToken}`);
    expect(response.status).to.equal(200);
  });

  it('answers HEAD like GET, without a body', async () => {
    const { accessToken } = await loggedInUser();
    const response = await api().head('/auth/user').set('Authorization', `Bearer ${accessToken}`);
    expect(response.status).to.equal(200);
    expect(response.text).to.equal(undefined);
  });

  it('returns 401 UNAUTHENTICATED with WWW-Authenticate when there is no Authorization header', async () => {
    const response = await api().get('/auth/user');
    expect(response.status).to.equal(401);
    expect(response.headers['www-authenticate']).to.equal('Bearer');
    expect(response.body).to.deep.equal({
      error: {
        code: 'UNAUTHENTICATED',
        message: 'Authentication is required: send the header Authorization: Bearer <access token>.',
      },
    });
  });

  describe('with a header or token it cannot trust', () => {
    let userId: number;
    before(async () => {
      const caller = await loggedInUser();
      userId = caller.user.id;
      sessionId = caller.sessionId;
    });

    const cases: Array<[string, () => string]> = [
      ['another scheme', () => `Token ${signToken(claims(userId))}`],
      ['the scheme alone', () => 'Bearer'],
      ['the scheme and a blank', () => 'Bearer   '],
      ['two tokens', () => `Bearer ${signToken(claims(userId))} ${signToken(claims(userId))}`],
      ['garbage', () => 'Bearer not.a.jwt'],
      ['a bad signature', () => `Bearer ${signToken(claims(userId)).slice(0, -2)}xx`],
      ['a forged signature', () => `Bearer ${signToken(claims(userId)).split('.').slice(0, 2).join('.')}.c2lnbmF0dXJl`],
      [
        'a token signed with another secret',
        () => `Bearer ${jwt.sign(claims(userId), 'another secret that is long enough!!')}`,
      ],
      ['alg none', () => `Bearer ${signToken(claims(userId), { algorithm: 'none' })}`],
      [
        'an algorithm that is not configured (HS512)',
        () => `Bearer ${signToken(claims(userId), { algorithm: 'HS512' })}`,
      ],
      ['no exp', () => `Bearer ${signToken(claims(userId, { exp: undefined }))}`],
      ['no jti', () => `Bearer ${signToken(claims(userId, { jti: undefined }))}`],
      ['no sub', () => `Bearer ${signToken(claims(userId, { sub: undefined }))}`],
      ['no iat', () => `Bearer ${signToken(claims(userId, { iat: undefined }), { noTimestamp: true })}`],
      ['a numeric sub', () => `Bearer ${signToken(claims(userId, { sub: userId }))}`],
      ['a non-decimal sub', () => `Bearer ${signToken(claims(userId, { sub: '0x1' }))}`],
      ['no sid', () => `Bearer ${signToken(claims(userId, { sid: undefined }))}`],
      ['a sid with other characters', () => `Bearer ${signToken(claims(userId, { sid: 'a b' }))}`],
      ['no ver', () => `Bearer ${signToken(claims(userId, { ver: undefined }))}`],
      ['a negative ver', () => `Bearer ${signToken(claims(userId, { ver: -1 }))}`],
      ['a numeric jti', () => `Bearer ${signToken(claims(userId, { jti: 42 }))}`],
      ['a jti of 256 characters', () => `Bearer ${signToken(claims(userId, { jti: 'j'.repeat(256) }))}`],
      ['a fractional exp', () => `Bearer ${signToken(claims(userId, { exp: NOW_SECONDS() + 600.5 }))}`],
      ['a string exp', () => `Bearer ${signRawToken(claims(userId, { exp: String(NOW_SECONDS() + 600) }))}`],
      ['a JSON string payload', () => `Bearer ${jwt.sign('just a string', TEST_SECRET)}`],
      ['a not-before in the future', () => `Bearer ${signToken(claims(userId, { nbf: NOW_SECONDS() + 600 }))}`],
    ];
    for (const [label, header] of cases) {
      it(`returns 401 TOKEN_INVALID for ${label}`, async () => {
        const response = await api().get('/auth/user').set('Authorization', header());
        expect(response.status).to.equal(401);
        expect(response.body.error.code).to.equal('TOKEN_INVALID');
        expect(response.headers['www-authenticate']).to.equal('Bearer error="invalid_token"');
      });
    }

    it('returns 401 TOKEN_EXPIRED for an expired token', async () => {
      const token = signToken(claims(userId, { iat: NOW_SECONDS() - 120, exp: NOW_SECONDS() - 60 }));
      const response = await api().get('/auth/user').set('Authorization', `Bearer ${token}`);
      expect(response.status).to.equal(401);
      expect(response.body.error.code).to.equal('TOKEN_EXPIRED');
    });

    it('accepts a just-expired token within the configured clock tolerance', async () => {
      const token = signToken(claims(userId, { iat: NOW_SECONDS() - 120, exp: NOW_SECONDS() - 5 }));
      const response = await api({ JWT_CLOCK_TOLERANCE_SECONDS: '30' })
        .get('/auth/user')
        .set('Authorization', `Bearer ${token}`);
      expect(response.status).to.equal(200);
    });

    it('returns 401 TOKEN_INVALID for a wrong issuer or audience when they are configured', async () => {
      const app = api({ JWT_ISSUER: 'https://auth.example', JWT_AUDIENCE: 'shop' });
      const wrongIssuer = signToken(claims(userId, { iss: 'https://evil.example', aud: 'shop' }));
      const wrongAudience = signToken(claims(userId, { iss: 'https://auth.example', aud: 'other' }));
      const none = signToken(claims(userId));
      const right = signToken(claims(userId, { iss: 'https://auth.example', aud: 'shop' }));

      for (const token of [wrongIssuer, wrongAudience, none]) {
        const response = await app.get('/auth/user').set('Authorization', `Bearer ${token}`);
        expect(response.body.error?.code, JSON.stringify(decode(token))).to.equal('TOKEN_INVALID');
      }
      await app.get('/auth/user').set('Authorization', `Bearer ${right}`).expect(200);
    });
  });

  it('returns 401 USER_NOT_FOUND for a valid token whose user was deleted', async () => {
    const { user, accessToken } = await loggedInUser();
    await User.destroy({ where: { id: user.id } });
    const response = await api().get('/auth/user').set('Authorization', `Bearer ${accessToken}`);
    expect(response.status).to.equal(401);
    expect(response.body.error.code).to.equal('USER_NOT_FOUND');
  });
});
