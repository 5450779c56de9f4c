import { expect } from 'chai';
import type { Response } from 'supertest';
import { BlockedToken, Session, User } from '../../src/models';
import { api, decode, loggedInUser, PASSWORD } from '../support/factories';

/** The row id part of a refresh token "<row id>.<secret>". */
const rowIdOf = (refreshToken: string): string => refreshToken.split('.')[0] ?? '';

const bearer = (token: string): string => `Bearer ${token}`;

/** A user with two sessions: `first` (the caller in most tests) and `second`. */
async function userWithTwoSessions() {
  const first = await loggedInUser();
  const login = await api().post('/auth/login').send({ email: first.user.email, password: PASSWORD }).expect(200);
  const second = {
    accessToken: login.body.access_token as string,
    refreshToken: login.body.refresh_token as string,
    sessionId: String(decode(login.body.access_token).sid),
  };
  return { user: first.user, first, second };
}

async function statusOf(accessToken: string): Promise<number> {
  return (await api().get('/auth/user').set('Authorization', bearer(accessToken))).status;
}

describe('POST /auth/logout scopes', () => {
  it('current (the default) blocks this token and ends this session only', async () => {
    const { first, second } = await userWithTwoSessions();
    await api().post('/auth/logout').set('Authorization', bearer(first.accessToken)).expect(200);

    expect(await statusOf(first.accessToken)).to.equal(401);
    expect(await statusOf(second.accessToken)).to.equal(200);
    const row = await Session.findOne({ where: { familyId: first.sessionId }, rejectOnEmpty: true });
    expect(row.reason).to.equal('logout');
    const refresh = await api().post('/auth/refresh').send({ refresh_token: first.refreshToken });
    expect(refresh.body.error.code).to.equal('REFRESH_TOKEN_REVOKED');
  });

  it('others ends every other session and its access tokens, and keeps this one', async () => {
    const { first, second } = await userWithTwoSessions();
    const response = await api()
      .post('/auth/logout')
      .set('Authorization', bearer(first.accessToken))
      .send({ scope: 'others' });

    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ message: 'Logged out' });
    expect(await statusOf(first.accessToken)).to.equal(200);
    expect(await statusOf(second.accessToken)).to.equal(401);
    const row = await Session.findOne({ where: { familyId: second.sessionId }, rejectOnEmpty: true });
    expect(row.reason).to.equal('logout_others');
  });

  it('all ends every session and every access token with one token-version bump', async () => {
    const { user, first, second } = await userWithTwoSessions();
    const app = api();
    await app.get('/auth/user').set('Authorization', bearer(first.accessToken)).expect(200);
    await app.post('/auth/logout').set('Authorization', bearer(first.accessToken)).send({ scope: 'all' }).expect(200);

    for (const token of [first.accessToken, second.accessToken]) {
      const response = await app.get('/auth/user').set('Authorization', bearer(token));
      expect(response.body.error.code).to.equal('TOKEN_REVOKED');
    }
    expect((await User.findByPk(user.id, { rejectOnEmpty: true })).tokenVersion).to.equal(1);
    const reasons = await Session.findAll({ where: { userId: user.id }, attributes: ['reason'], raw: true });
    expect(reasons.map((row) => row.reason)).to.deep.equal(['logout_all', 'logout_all']);
    expect(await BlockedToken.count({ where: { userId: user.id } })).to.equal(0);
  });

  it('never leaves a live session behind when a refresh races "log out everywhere"', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const { user, accessToken, refreshToken } = await loggedInUser();
      const app = api();
      const [refreshed] = await Promise.all([
        app.post('/auth/refresh').send({ refresh_token: refreshToken }),
        app.post('/auth/logout').set('Authorization', bearer(accessToken)).send({ scope: 'all' }).expect(200),
      ]);
      expect(await Session.count({ where: { userId: user.id, revokedAt: null } })).to.equal(0);
      if (refreshed.status === 200) {
        expect(await statusOf(refreshed.body.access_token)).to.equal(401);
        const next = await app.post('/auth/refresh').send({ refresh_token: refreshed.body.refresh_token });
        expect(next.status).to.equal(401);
      } else {
        expect(refreshed.body.error.code).to.equal('REFRESH_TOKEN_REVOKED');
      }
    }
  });

  it('rejects an unknown scope with 400', async () => {
    const { accessToken } = await loggedInUser();
    const response = await api()
      .post('/auth/logout')
      .set('Authorization', bearer(accessToken))
      .send({ scope: 'everyone' });
    expect(response.status).to.equal(400);
    expect(response.body.error.details[0].field).to.equal('scope');
    expect(await statusOf(accessToken)).to.equal(200);
  });
});

describe('session-ending routes for a user deleted after authentication', () => {
  // The cache still vouches for the user, so the route's own transaction is what finds it gone.
  const routes: Array<[string, (app: ReturnType<typeof api>, token: string, sessionId: string) => Promise<Response>]> =
    [
      ['logout current', (app, token) => app.post('/auth/logout').set('Authorization', bearer(token))],
      [
        'logout others',
        (app, token) => app.post('/auth/logout').set('Authorization', bearer(token)).send({ scope: 'others' }),
      ],
      [
        'logout all',
        (app, token) => app.post('/auth/logout').set('Authorization', bearer(token)).send({ scope: 'all' }),
      ],
      [
        'DELETE session',
        (app, token, sessionId) => app.delete(`/auth/sessions/${sessionId}`).set('Authorization', bearer(token)),
      ],
    ];
  for (const [name, send] of routes) {
    it(`${name}: 401 USER_NOT_FOUND`, async () => {
      const app = api({ REVOCATION_CACHE_TTL_MS: '60000' });
      const { user, accessToken, sessionId } = await loggedInUser();
      await app.get('/auth/user').set('Authorization', bearer(accessToken)).expect(200);
      await User.destroy({ where: { id: user.id } });

      const response = await send(app, accessToken, sessionId);

      expect(response.status).to.equal(401);
      expect(response.body.error.code).to.equal('USER_NOT_FOUND');
    });
  }
});

describe('GET /auth/sessions', () => {
  it('lists the live sessions, marks the current one, and hides ended ones', async () => {
    const { first, second } = await userWithTwoSessions();
    const third = await api().post('/auth/refresh').send({ refresh_token: second.refreshToken }).expect(200);

    const response = await api().get('/auth/sessions').set('Authorization', bearer(first.accessToken));

    expect(response.status).to.equal(200);
    const sessions = response.body.sessions as Array<Record<string, unknown>>;
    expect(sessions.map((session) => session.id)).to.deep.equal([first.sessionId, second.sessionId]);
    expect(sessions.map((session) => session.current)).to.deep.equal([true, false]);
    expect(Object.keys(sessions[0] ?? {}).sort()).to.deep.equal([
      'created_at',
      'current',
      'id',
      'ip',
      'last_used_at',
      'user_agent',
    ]);
    const refreshed = sessions[1] ?? {};
    expect(String(refreshed.last_used_at) > String(refreshed.created_at)).to.equal(true);

    await api().post('/auth/logout').set('Authorization', bearer(third.body.access_token)).expect(200);
    const after = await api().get('/auth/sessions').set('Authorization', bearer(first.accessToken));
    expect(after.body.sessions.map((session: { id: string }) => session.id)).to.deep.equal([first.sessionId]);
  });

  it("shows as last_used_at the live refresh-token row's last_used_at column, which a refresh sets", async () => {
    const { refreshToken, accessToken, sessionId } = await loggedInUser();
    const refreshed = await api().post('/auth/refresh').send({ refresh_token: refreshToken }).expect(200);
    const liveRowId = rowIdOf(String(refreshed.body.refresh_token));
    const live = await Session.findByPk(liveRowId, { rejectOnEmpty: true });
    const retired = await Session.findByPk(rowIdOf(refreshToken), { rejectOnEmpty: true });
    expect(live.lastUsedAt.getTime()).to.equal(retired.revokedAt?.getTime());

    // A value no other column holds: the answer can only have come from this column of this row.
    const marked = new Date('2030-01-02T03:04:05.678Z');
    await Session.update({ lastUsedAt: marked }, { where: { id: liveRowId } });
    const response = await api().get('/auth/sessions').set('Authorization', bearer(accessToken)).expect(200);

    const [session] = response.body.sessions as Array<Record<string, unknown>>;
    expect(session?.id).to.equal(sessionId);
    expect(session?.last_used_at).to.equal(marked.toISOString());
    expect(session?.created_at).to.equal(retired.createdAt.toISOString());
  });

  it('requires authentication', async () => {
    const response = await api().get('/auth/sessions');
    expect(response.status).to.equal(401);
  });
});

describe('DELETE /auth/sessions/:id', () => {
  it("ends one of the caller's sessions and its access tokens", async () => {
    const { first, second } = await userWithTwoSessions();
    const response = await api()
      .delete(`/auth/sessions/${second.sessionId}`)
      .set('Authorization', bearer(first.accessToken));
    expect(response.status).to.equal(200);
    expect(await statusOf(second.accessToken)).to.equal(401);
    expect(await statusOf(first.accessToken)).to.equal(200);
  });

  it("answers 404 SESSION_NOT_FOUND for someone else's session, leaving it alive", async () => {
    const mine = await loggedInUser();
    const theirs = await loggedInUser();
    const response = await api()
      .delete(`/auth/sessions/${theirs.sessionId}`)
      .set('Authorization', bearer(mine.accessToken));
    expect(response.status).to.equal(404);
    expect(response.body.error.code).to.equal('SESSION_NOT_FOUND');
    expect(await statusOf(theirs.accessToken)).to.equal(200);
  });

  it('answers 404 for an unknown or already ended session', async () => {
    const { first, second } = await userWithTwoSessions();
    const app = api();
    await app.delete(`/auth/sessions/${second.sessionId}`).set('Authorization', bearer(first.accessToken)).expect(200);
    for (const id of [second.sessionId, 'no-such-session', 'x'.repeat(300)]) {
      const response = await app.delete(`/auth/sessions/${id}`).set('Authorization', bearer(first.accessToken));
      expect(response.status, id).to.equal(404);
    }
  });
});

describe('POST /auth/password', () => {
  it('changes the password and ends every other session; the current one stays', async () => {
    const { user, first, second } = await userWithTwoSessions();
    const response = await api()
      .post('/auth/password')
      .set('Authorization', bearer(first.accessToken))
      .send({ current_password: PASSWORD, new_password: 'a brand new password' });

    expect(response.status).to.equal(200);
    expect(await statusOf(first.accessToken)).to.equal(200);
    expect(await statusOf(second.accessToken)).to.equal(401);
    const ended = await Session.findOne({ where: { familyId: second.sessionId }, rejectOnEmpty: true });
    expect(ended.reason).to.equal('password_change');
    await api().post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(401);
    await api().post('/auth/login').send({ email: user.email, password: 'a brand new password' }).expect(200);
  });

  it('returns 403 PASSWORD_INCORRECT for a wrong current password and changes nothing', async () => {
    const { user, first, second } = await userWithTwoSessions();
    const response = await api()
      .post('/auth/password')
      .set('Authorization', bearer(first.accessToken))
      .send({ current_password: 'not my password', new_password: 'a brand new password' });
    expect(response.status).to.equal(403);
    expect(response.body.error.code).to.equal('PASSWORD_INCORRECT');
    expect(await statusOf(second.accessToken)).to.equal(200);
    await api().post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
  });

  it('returns 400 for a new password outside 8..72 bytes', async () => {
    const { accessToken } = await loggedInUser();
    const response = await api()
      .post('/auth/password')
      .set('Authorization', bearer(accessToken))
      .send({ current_password: PASSWORD, new_password: 'short' });
    expect(response.status).to.equal(400);
    expect(response.body.error.details[0].field).to.equal('new_password');
  });
});
