import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { Session } from '../../src/models';
import { api, decode, loggedInUser } from '../support/factories';
import { statementsOf } from '../support/statements';

const bearer = (token: string): string => `Bearer ${token}`;
const rowIdOf = (refreshToken: string): string => refreshToken.split('.')[0] ?? '';

describe('POST /auth/refresh', () => {
  it('stores only a hash of the refresh token, with where the login came from', async () => {
    const { user, refreshToken, sessionId } = await loggedInUser();
    const row = await Session.findByPk(rowIdOf(refreshToken), { rejectOnEmpty: true });
    expect(row.userId).to.equal(user.id);
    expect(row.familyId).to.equal(sessionId);
    expect(row.parentId).to.equal(null);
    expect(row.refreshTokenHash).to.equal(
      createHash('sha256')
        .update(refreshToken.split('.')[1] ?? '')
        .digest('hex'),
    );
    expect(row.refreshTokenHash).to.not.include(refreshToken.split('.')[1]);
    expect(row.ip).to.be.a('string');
  });

  it('rotates: a new pair, the old row retired as rotated, the child linked to it, same session', async () => {
    const { refreshToken, sessionId } = await loggedInUser();
    const response = await api()
      .post('/auth/refresh')
      .set('User-Agent', 'refresh-test/1.0')
      .send({ refresh_token: refreshToken });

    expect(response.status).to.equal(200);
    expect(Object.keys(response.body).sort()).to.deep.equal([
      'access_token',
      'expires_in',
      'refresh_expires_in',
      'refresh_token',
      'token_type',
    ]);
    expect(response.body.refresh_token).to.not.equal(refreshToken);
    expect(decode(response.body.access_token).sid).to.equal(sessionId);
    const parent = await Session.findByPk(rowIdOf(refreshToken), { rejectOnEmpty: true });
    const child = await Session.findByPk(rowIdOf(response.body.refresh_token), { rejectOnEmpty: true });
    expect(parent.reason).to.equal('rotated');
    expect(parent.lastUsedAt).to.be.instanceOf(Date);
    expect(child.parentId).to.equal(parent.id);
    expect(child.familyId).to.equal(sessionId);
    expect(child.userAgent).to.equal('refresh-test/1.0');
    expect(child.absoluteExpiresAt.getTime()).to.equal(parent.absoluteExpiresAt.getTime());
    await api().get('/auth/user').set('Authorization', bearer(response.body.access_token)).expect(200);
  });

  // Each round trip costs the server more CPU than the JavaScript around it (docs/reference/benchmarks.md):
  // one more statement on this path is a regression, even when every answer stays right.
  it('counts the refresh in one round trip and rotates in one transaction of three: start and lock, rotate, commit', async () => {
    const { refreshToken } = await loggedInUser();
    const statements = await statementsOf(() =>
      api().post('/auth/refresh').send({ refresh_token: refreshToken }).expect(200),
    );
    expect(statements).to.have.length(4);
    expect(statements[0]).to.match(/^INSERT INTO rate_limits .* ON DUPLICATE KEY UPDATE .*; SELECT LAST_INSERT_ID\(\)/);
    expect(statements[1]).to.match(/^START TRANSACTION; SELECT u\.token_version .* FOR UPDATE$/);
    expect(statements[2]).to.match(/^INSERT INTO sessions .* ON DUPLICATE KEY UPDATE /);
    expect(statements[3]).to.equal('COMMIT');
  });

  it('never extends the absolute session lifetime', async () => {
    const app = api({ SESSION_MAX_AGE_SECONDS: '120', REFRESH_TOKEN_TTL_SECONDS: '3600' });
    const { user, password } = await loggedInUser();
    const login = await app.post('/auth/login').send({ email: user.email, password });
    expect(login.body.refresh_expires_in).to.be.within(118, 120);
    const refreshed = await app.post('/auth/refresh').send({ refresh_token: login.body.refresh_token });
    expect(refreshed.body.refresh_expires_in).to.be.within(115, 120);
  });

  it('returns 401 REFRESH_TOKEN_EXPIRED once the refresh token has expired', async () => {
    const { refreshToken } = await loggedInUser();
    await Session.update({ expiresAt: new Date(Date.now() - 1000) }, { where: { id: rowIdOf(refreshToken) } });
    const response = await api().post('/auth/refresh').send({ refresh_token: refreshToken });
    expect(response.status).to.equal(401);
    expect(response.body.error.code).to.equal('REFRESH_TOKEN_EXPIRED');
  });

  for (const [label, token] of [
    ['garbage', 'not-a-refresh-token'],
    ['an unknown id', `${'a'.repeat(22)}.${'b'.repeat(43)}`],
  ] as const) {
    it(`returns 401 REFRESH_TOKEN_INVALID for ${label}`, async () => {
      const response = await api().post('/auth/refresh').send({ refresh_token: token });
      expect(response.status).to.equal(401);
      expect(response.body.error.code).to.equal('REFRESH_TOKEN_INVALID');
    });
  }

  it('returns 401 REFRESH_TOKEN_INVALID for a known id with the wrong secret', async () => {
    const { refreshToken } = await loggedInUser();
    const forged = `${rowIdOf(refreshToken)}.${'x'.repeat(43)}`;
    const response = await api().post('/auth/refresh').send({ refresh_token: forged });
    expect(response.body.error.code).to.equal('REFRESH_TOKEN_INVALID');
    expect((await Session.findByPk(rowIdOf(refreshToken), { rejectOnEmpty: true })).revokedAt).to.equal(null);
  });

  it('returns 400 VALIDATION_FAILED without a refresh_token', async () => {
    const response = await api().post('/auth/refresh').send({});
    expect(response.status).to.equal(400);
    expect(response.body.error.details[0].field).to.equal('refresh_token');
  });

  it('lets one of 12 concurrent refreshes of one token win; the rest get 409 and the session survives', async () => {
    const { refreshToken, sessionId } = await loggedInUser();
    const app = api();
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => app.post('/auth/refresh').send({ refresh_token: refreshToken })),
    );

    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).to.deep.equal([200, ...Array<number>(11).fill(409)]);
    for (const response of responses.filter((candidate) => candidate.status === 409)) {
      expect(response.body.error.code).to.equal('REFRESH_CONFLICT');
    }
    const winner = responses.find((response) => response.status === 200);
    expect(await Session.count({ where: { familyId: sessionId, revokedAt: null } })).to.equal(1);
    const next = await app.post('/auth/refresh').send({ refresh_token: winner?.body.refresh_token });
    expect(next.status).to.equal(200);
  });

  it('answers a token rotated within the grace window 401 REFRESH_TOKEN_REVOKED, not 409, once its session ended', async () => {
    const app = api();
    const { refreshToken } = await loggedInUser();
    const rotated = await app.post('/auth/refresh').send({ refresh_token: refreshToken }).expect(200);
    await app.post('/auth/logout').set('Authorization', bearer(rotated.body.access_token)).expect(200);

    const late = await app.post('/auth/refresh').send({ refresh_token: refreshToken });

    expect(late.status).to.equal(401);
    expect(late.body.error.code).to.equal('REFRESH_TOKEN_REVOKED');
  });

  it('treats a retired token after the grace window as reuse: 401 and the whole session revoked', async () => {
    const app = api({ REFRESH_GRACE_SECONDS: '0' });
    const { accessToken, refreshToken, sessionId } = await loggedInUser();
    const rotated = await app.post('/auth/refresh').send({ refresh_token: refreshToken }).expect(200);
    await app.get('/auth/user').set('Authorization', bearer(rotated.body.access_token)).expect(200);

    const replay = await app.post('/auth/refresh').send({ refresh_token: refreshToken });

    expect(replay.status).to.equal(401);
    expect(replay.body.error.code).to.equal('REFRESH_TOKEN_REUSED');
    const rows = await Session.findAll({ where: { familyId: sessionId }, order: [['createdAt', 'ASC']] });
    expect(rows.map((row) => row.reason)).to.deep.equal(['rotated', 'refresh_reuse']);
    const successor = await app.post('/auth/refresh').send({ refresh_token: rotated.body.refresh_token });
    expect(successor.body.error.code).to.equal('REFRESH_TOKEN_REVOKED');
    for (const token of [accessToken, rotated.body.access_token as string]) {
      const response = await app.get('/auth/user').set('Authorization', bearer(token));
      expect(response.body.error.code).to.equal('TOKEN_REVOKED');
    }
  });
});
