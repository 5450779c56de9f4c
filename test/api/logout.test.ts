import { expect } from 'chai';
import { BlockedToken } from '../../src/models';
import { api, decode, loggedInUser, signToken } from '../support/factories';

describe('POST /auth/logout', () => {
  it('returns 200, blocks the jti until the token expires, and the token stops working', async () => {
    const { user, accessToken } = await loggedInUser();
    const app = api();
    const before = Date.now();

    const response = await app.post('/auth/logout').set('Authorization', `Bearer ${accessToken}`);

    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ message: 'Logged out' });
    const claims = decode(accessToken);
    const row = await BlockedToken.findByPk(String(claims.jti), { rejectOnEmpty: true });
    expect(row.userId).to.equal(user.id);
    expect(row.reason).to.equal('logout');
    expect(row.expiresAt.getTime()).to.equal(Number(claims.exp) * 1000);
    expect(row.blockedAt.getTime()).to.be.within(before - 1000, Date.now() + 1000);

    const after = await app.get('/auth/user').set('Authorization', `Bearer ${accessToken}`);
    expect(after.status).to.equal(401);
    expect(after.body.error.code).to.equal('TOKEN_REVOKED');
  });

  it("leaves the same user's other tokens working", async () => {
    const { user, accessToken } = await loggedInUser();
    const app = api();
    const other = await app.post('/auth/login').send({ email: user.email, password: 'correct horse battery' });

    await app.post('/auth/logout').set('Authorization', `Bearer ${accessToken}`).expect(200);
    await app.get('/auth/user').set('Authorization', `Bearer ${other.body.access_token}`).expect(200);
  });

  it('returns 401 TOKEN_REVOKED for a second logout of the same token', async () => {
    const { accessToken } = await loggedInUser();
    const app = api();
    await app.post('/auth/logout').set('Authorization', `Bearer ${accessToken}`).expect(200);
    const response = await app.post('/auth/logout').set('Authorization', `Bearer ${accessToken}`);
    expect(response.status).to.equal(401);
    expect(response.body.error.code).to.equal('TOKEN_REVOKED');
  });

  it('answers 12 concurrent logouts of one token with 200 or 401 only, and writes one row', async () => {
    const { accessToken } = await loggedInUser();
    const app = api();
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => app.post('/auth/logout').set('Authorization', `Bearer ${accessToken}`)),
    );

    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).to.have.length.of.at.least(1);
    expect(
      statuses.every((status) => status === 200 || status === 401),
      statuses.join(),
    ).to.equal(true);
    for (const response of responses.filter((candidate) => candidate.status === 401)) {
      expect(response.body.error.code).to.equal('TOKEN_REVOKED');
    }
    expect(await BlockedToken.count({ where: { jti: String(decode(accessToken).jti) } })).to.equal(1);
  });

  it('returns 401 TOKEN_INVALID, not 500, for a signed token whose exp no DATETIME can store', async () => {
    const { accessToken } = await loggedInUser();
    const token = signToken({ ...decode(accessToken), jti: 'far-future', exp: 1e300 });
    const response = await api().post('/auth/logout').set('Authorization', `Bearer ${token}`);
    expect(response.status).to.equal(401);
    expect(response.body.error.code).to.equal('TOKEN_INVALID');
    expect(await BlockedToken.count({ where: { jti: 'far-future' } })).to.equal(0);
  });

  it('returns 401 UNAUTHENTICATED without a token', async () => {
    const response = await api().post('/auth/logout');
    expect(response.status).to.equal(401);
    expect(response.body.error.code).to.equal('UNAUTHENTICATED');
  });
});
