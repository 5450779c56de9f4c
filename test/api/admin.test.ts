import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { Account, AuditEvent, boundSequelize, Session, User } from '../../src/models';
import { bearer, loggedInAs, mutualAdminRemoval, userWithRole } from '../support/admins';
import { ADAPTER_SECRET } from '../support/config';
import { api, createUser, loggedInUser, PASSWORD, uniqueEmail } from '../support/factories';
import { expectRacesWon } from '../support/races';
import { holdUserRow } from '../support/user-row-lock';

const NO_SUCH_ID = 4_000_000_000;

/** The audit entries about `userId`, oldest first. */
const auditOf = (userId: number) =>
  AuditEvent.findAll({ where: { targetUserId: userId }, order: [['id', 'ASC']], raw: true });

describe('admin API: who may call what', () => {
  const routes = (id: number) =>
    [
      ['get', '/admin/users', 'moderator'],
      ['get', `/admin/users/${id}`, 'moderator'],
      ['post', `/admin/users/${id}/revoke`, 'moderator'],
      ['delete', `/admin/users/${id}`, 'admin'],
      ['get', '/admin/audit', 'admin'],
      ['get', '/admin/webhooks/deliveries', 'admin'],
    ] as const;

  it('answers 403 FORBIDDEN to a role below what each route needs, and 401 without a token', async () => {
    const target = await userWithRole('user');
    const plain = await loggedInAs('user');
    const moderator = await loggedInAs('moderator');
    for (const [method, path, needs] of routes(target.id)) {
      const byUser = await api()[method](path).set('Authorization', bearer(plain.accessToken));
      expect(byUser.status, `${method} ${path}`).to.equal(403);
      expect(byUser.body.error.code).to.equal('FORBIDDEN');
      if (needs === 'admin') {
        const byModerator = await api()[method](path).set('Authorization', bearer(moderator.accessToken));
        expect(byModerator.body.error.code, `${method} ${path}`).to.equal('FORBIDDEN');
      }
      expect((await api()[method](path)).status).to.equal(401);
    }
    expect(await User.count({ where: { id: target.id } })).to.equal(1);
  });

  it('reads the role from the database on every call: a demoted admin is refused on the very next request', async () => {
    const admin = await loggedInAs('admin');
    const app = api({ REVOCATION_CACHE_TTL_MS: '60000' });
    await app.get('/admin/audit').set('Authorization', bearer(admin.accessToken)).expect(200);
    await User.update({ role: 'user' }, { where: { id: admin.user.id } });
    const refused = await app.get('/admin/audit').set('Authorization', bearer(admin.accessToken));
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal('FORBIDDEN');
  });

  it('answers 404 TARGET_USER_NOT_FOUND for an unknown id on every /admin/users/:id route', async () => {
    const admin = await loggedInAs('admin');
    const path = `/admin/users/${NO_SUCH_ID}`;
    const answers = await Promise.all([
      api().get(path).set('Authorization', bearer(admin.accessToken)),
      api().patch(path).set('Authorization', bearer(admin.accessToken)).send({ name: 'X' }),
      api().post(`${path}/revoke`).set('Authorization', bearer(admin.accessToken)),
      api().delete(path).set('Authorization', bearer(admin.accessToken)),
    ]);
    for (const answer of answers) {
      expect(answer.status).to.equal(404);
      expect(answer.body.error.code).to.equal('TARGET_USER_NOT_FOUND');
    }
  });

  it('never lets signup set a role', async () => {
    const response = await api()
      .post('/auth/signup')
      .send({ email: uniqueEmail(), password: PASSWORD, name: 'Eve', role: 'admin' });
    expect(response.status).to.equal(400);
    expect(response.body.error.details).to.deep.equal([{ field: 'role', message: 'role is not allowed' }]);
  });
});

describe('GET /admin/users', () => {
  it('finds by email prefix, taking % and _ literally, with total, page and limit', async () => {
    const prefix = `pre_${Date.now()}`;
    await Promise.all([1, 2, 3].map((n) => createUser({ email: `${prefix}-${n}@example.com` })));
    await createUser({ email: `${prefix.replace('_', 'x')}-4@example.com` });
    const moderator = await loggedInAs('moderator');
    const response = await api()
      .get(`/admin/users?q=${encodeURIComponent(prefix.toUpperCase())}&limit=2&sort=email`)
      .set('Authorization', bearer(moderator.accessToken));
    expect(response.status).to.equal(200);
    expect(response.body.total).to.equal(3);
    expect(response.body.page).to.equal(1);
    expect(response.body.users.map((user: { email: string }) => user.email)).to.deep.equal([
      `${prefix}-1@example.com`,
      `${prefix}-2@example.com`,
    ]);
    const second = await api()
      .get(`/admin/users?q=${prefix}&limit=2&page=2&sort=email`)
      .set('Authorization', bearer(moderator.accessToken));
    expect(second.body.users.map((user: { email: string }) => user.email)).to.deep.equal([`${prefix}-3@example.com`]);
    expect(JSON.stringify(response.body)).to.not.include('$2b$');
  });

  it('finds by name prefix, and filters by role and disabled', async () => {
    const name = `Zed ${Date.now()}`;
    const [{ user: first }, { user: second }] = await Promise.all([createUser({ name }), createUser({ name })]);
    await first.update({ role: 'moderator', disabledAt: new Date() });
    const admin = await loggedInAs('admin');
    const find = (query: string) =>
      api()
        .get(`/admin/users?q=${encodeURIComponent(name)}&${query}`)
        .set('Authorization', bearer(admin.accessToken));
    const ids = (response: { body: { users: { id: number }[] } }) => response.body.users.map((user) => user.id);
    expect(ids(await find('sort=id'))).to.deep.equal([first.id, second.id].sort((a, b) => a - b));
    expect(ids(await find('role=moderator'))).to.deep.equal([first.id]);
    expect(ids(await find('disabled=true'))).to.deep.equal([first.id]);
    expect(ids(await find('disabled=false'))).to.deep.equal([second.id]);
    const [row] = (await find('disabled=true')).body.users;
    expect(row).to.include({ disabled: true, email_verified: false, role: 'moderator' });
  });

  it('refuses limit over 100, an unknown sort and unknown parameters with 400 VALIDATION_FAILED', async () => {
    const admin = await loggedInAs('admin');
    for (const query of ['limit=101', 'sort=password_hash', 'page=0', 'role=root', 'where=1', 'q=a&q=b']) {
      const response = await api().get(`/admin/users?${query}`).set('Authorization', bearer(admin.accessToken));
      expect(response.status, query).to.equal(400);
      expect(response.body.error.code).to.equal('VALIDATION_FAILED');
    }
  });

  it('refuses an audit `since` no MySQL DATETIME holds, which MySQL would have ignored (every entry)', async () => {
    const admin = await loggedInAs('admin');
    for (const since of ['%2B010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', 'yesterday']) {
      const response = await api().get(`/admin/audit?since=${since}`).set('Authorization', bearer(admin.accessToken));
      expect(response.status, since).to.equal(400);
      expect(response.body.error.details[0].field).to.equal('since');
    }
  });

  it('searches an email prefix as a range of an index, never a full scan', async () => {
    const [plan] = await boundSequelize().query<{ type: string; key: string | null }>(
      "EXPLAIN SELECT id FROM users WHERE email LIKE 'pre\\_%' OR name LIKE 'pre\\_%'",
      { type: QueryTypes.SELECT },
    );
    expect(plan?.type).to.be.oneOf(['range', 'index_merge']);
    expect(String(plan?.key)).to.include('email');
  });
});

describe('GET /admin/users/:id', () => {
  it('shows disabled, email_verified, live sessions, providers and last login', async () => {
    const { user } = await loggedInUser();
    await api().post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
    await user.update({ emailVerified: new Date() });
    await Account.create({ userId: user.id, type: 'oidc', provider: 'github', providerAccountId: `gh-${user.id}` });
    const moderator = await loggedInAs('moderator');
    const response = await api().get(`/admin/users/${user.id}`).set('Authorization', bearer(moderator.accessToken));
    expect(response.status).to.equal(200);
    const newest = await Session.max<Date, Session>('createdAt', { where: { userId: user.id } });
    expect(response.body.user).to.deep.include({
      id: user.id,
      disabled: false,
      email_verified: true,
      sessions: 2,
      providers: ['github'],
      last_login_at: newest.toISOString(),
    });
  });
});

describe('PATCH /admin/users/:id', () => {
  it('lets a moderator rename and disable a user; the audit log records who, what, request id and IP', async () => {
    const target = await userWithRole('user');
    const moderator = await loggedInAs('moderator');
    const response = await api()
      .patch(`/admin/users/${target.id}`)
      .set('Authorization', bearer(moderator.accessToken))
      .set('X-Request-Id', 'admin-test-request')
      .send({ name: 'Renamed', disabled: true });
    expect(response.status).to.equal(200);
    expect(response.body.user).to.include({ id: target.id, name: 'Renamed', disabled: true });
    const events = await auditOf(target.id);
    expect(events.map((event) => event.action)).to.deep.equal(['user.updated', 'user.disabled']);
    expect(events[0]).to.deep.include({
      actorId: moderator.user.id,
      requestId: 'admin-test-request',
      changes: { name: { from: 'Test User', to: 'Renamed' } },
    });
    expect(events[0]?.ip).to.be.a('string');
  });

  it('refuses role and email from a moderator, and a moderator acting on a moderator or admin', async () => {
    const moderator = await loggedInAs('moderator');
    const [user, otherModerator, admin] = await Promise.all([
      userWithRole('user'),
      userWithRole('moderator'),
      userWithRole('admin'),
    ]);
    const attempts = [
      [user.id, { role: 'moderator' }],
      [user.id, { email: uniqueEmail() }],
      [otherModerator.id, { name: 'X' }],
      [admin.id, { disabled: true }],
    ] as const;
    for (const [id, body] of attempts) {
      const response = await api()
        .patch(`/admin/users/${id}`)
        .set('Authorization', bearer(moderator.accessToken))
        .send(body);
      expect(response.status, JSON.stringify(body)).to.equal(403);
      expect(response.body.error.code).to.equal('FORBIDDEN');
    }
    expect((await User.findByPk(admin.id, { rejectOnEmpty: true })).disabledAt).to.equal(null);
  });

  it('refuses anyone changing their own role or disabling themselves', async () => {
    for (const role of ['moderator', 'admin'] as const) {
      const caller = await loggedInAs(role);
      for (const body of [{ role: 'user' }, { disabled: true }]) {
        const response = await api()
          .patch(`/admin/users/${caller.user.id}`)
          .set('Authorization', bearer(caller.accessToken))
          .send(body);
        expect(response.body.error?.code, `${role} ${JSON.stringify(body)}`).to.equal('FORBIDDEN');
      }
    }
  });

  it('lets an admin change role and email; a taken email is 409 EMAIL_TAKEN', async () => {
    const admin = await loggedInAs('admin');
    const [target, other] = await Promise.all([userWithRole('user'), userWithRole('user')]);
    const email = uniqueEmail();
    const changed = await api()
      .patch(`/admin/users/${target.id}`)
      .set('Authorization', bearer(admin.accessToken))
      .send({ role: 'moderator', email: email.toUpperCase() });
    expect(changed.body.user).to.include({ role: 'moderator', email });
    expect((await auditOf(target.id)).map((event) => event.action)).to.deep.equal([
      'user.updated',
      'user.role_changed',
    ]);
    const taken = await api()
      .patch(`/admin/users/${target.id}`)
      .set('Authorization', bearer(admin.accessToken))
      .send({ email: other.email });
    expect(taken.status).to.equal(409);
    expect(taken.body.error.code).to.equal('EMAIL_TAKEN');
  });

  it('refuses an empty body and unknown fields', async () => {
    const admin = await loggedInAs('admin');
    for (const body of [{}, { password_hash: 'x' }, { token_version: 0 }]) {
      const response = await api().patch(`/admin/users/1`).set('Authorization', bearer(admin.accessToken)).send(body);
      expect(response.status, JSON.stringify(body)).to.equal(400);
    }
  });
});

describe('disabled users', () => {
  it('login: wrong password 401 INVALID_CREDENTIALS, right one 403 USER_DISABLED; refresh and live tokens refused', async () => {
    const victim = await loggedInUser();
    const moderator = await loggedInAs('moderator');
    const app = api({ REVOCATION_CACHE_TTL_MS: '60000' });
    await app.get('/auth/user').set('Authorization', bearer(victim.accessToken)).expect(200);
    await app
      .patch(`/admin/users/${victim.user.id}`)
      .set('Authorization', bearer(moderator.accessToken))
      .send({ disabled: true })
      .expect(200);

    const live = await app.get('/auth/user').set('Authorization', bearer(victim.accessToken));
    expect(live.body.error.code).to.equal('TOKEN_REVOKED');
    const wrong = await app.post('/auth/login').send({ email: victim.user.email, password: 'wrong password' });
    expect([wrong.status, wrong.body.error.code]).to.deep.equal([401, 'INVALID_CREDENTIALS']);
    const right = await app.post('/auth/login').send({ email: victim.user.email, password: PASSWORD });
    expect([right.status, right.body.error.code]).to.deep.equal([403, 'USER_DISABLED']);
    const refresh = await app.post('/auth/refresh').send({ refresh_token: victim.refreshToken });
    expect([refresh.status, refresh.body.error.code]).to.deep.equal([403, 'USER_DISABLED']);
    expect(await Session.count({ where: { userId: victim.user.id, revokedAt: null } })).to.equal(0);

    await app
      .patch(`/admin/users/${victim.user.id}`)
      .set('Authorization', bearer(moderator.accessToken))
      .send({ disabled: false })
      .expect(200);
    await app.post('/auth/login').send({ email: victim.user.email, password: PASSWORD }).expect(200);
    expect((await auditOf(victim.user.id)).map((event) => event.action)).to.deep.equal([
      'user.disabled',
      'user.enabled',
    ]);
  });

  it('refuses the refresh of a session that outlived the disabling with 403 USER_DISABLED', async () => {
    const victim = await loggedInUser();
    // As if the session had been started by a path that forgot the check.
    await User.update({ disabledAt: new Date() }, { where: { id: victim.user.id } });
    const refresh = await api().post('/auth/refresh').send({ refresh_token: victim.refreshToken });
    expect([refresh.status, refresh.body.error.code]).to.deep.equal([403, 'USER_DISABLED']);
  });
});

describe('POST /admin/users/:id/revoke', () => {
  it('ends every session and access token of the user, and records it', async () => {
    const victim = await loggedInUser();
    const moderator = await loggedInAs('moderator');
    const app = api();
    const response = await app
      .post(`/admin/users/${victim.user.id}/revoke`)
      .set('Authorization', bearer(moderator.accessToken));
    expect(response.body).to.deep.equal({ message: 'Sessions revoked', sessions_ended: 1 });
    const user = await app.get('/auth/user').set('Authorization', bearer(victim.accessToken));
    expect(user.body.error.code).to.equal('TOKEN_REVOKED');
    const refresh = await app.post('/auth/refresh').send({ refresh_token: victim.refreshToken });
    expect(refresh.body.error.code).to.equal('REFRESH_TOKEN_REVOKED');
    const [event] = await auditOf(victim.user.id);
    expect(event).to.deep.include({
      action: 'user.sessions_revoked',
      actorId: moderator.user.id,
      changes: { sessions: 1 },
    });
  });
});

describe('DELETE /admin/users/:id', () => {
  it('deletes the user with sessions and provider links; the audit entry stays', async () => {
    const victim = await loggedInUser();
    await Account.create({
      userId: victim.user.id,
      type: 'oidc',
      provider: 'gitlab',
      providerAccountId: `gl-${victim.user.id}`,
    });
    const admin = await loggedInAs('admin');
    await api().delete(`/admin/users/${victim.user.id}`).set('Authorization', bearer(admin.accessToken)).expect(200);
    expect(await User.count({ where: { id: victim.user.id } })).to.equal(0);
    expect(await Session.count({ where: { userId: victim.user.id } })).to.equal(0);
    expect(await Account.count({ where: { userId: victim.user.id } })).to.equal(0);
    const [event] = await auditOf(victim.user.id);
    expect(event).to.deep.include({ action: 'user.deleted', actorId: admin.user.id });
    const after = await api().get('/auth/user').set('Authorization', bearer(victim.accessToken));
    expect(after.status).to.equal(401);
  });

  it("deletes the Auth.js sign-in links mailed to the user's address, as the adapter's delete does", async () => {
    const victim = await createUser();
    const adapter = (path: string) => api().post(`/adapter${path}`).set('X-Auth-Secret', ADAPTER_SECRET);
    const token = `magic-${victim.user.id}`;
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    await adapter('/users/verification').send({ identifier: victim.user.email, token, expires }).expect(200);
    const admin = await loggedInAs('admin');
    await api().delete(`/admin/users/${victim.user.id}`).set('Authorization', bearer(admin.accessToken)).expect(200);
    // A link still usable would sign its holder in to a new account of the address the admin just deleted.
    const used = await adapter('/users/verification/use').send({ identifier: victim.user.email, token }).expect(200);
    expect(used.body).to.equal(null);
  });

  it('refuses an admin deleting themselves', async () => {
    const admin = await loggedInAs('admin');
    const response = await api()
      .delete(`/admin/users/${admin.user.id}`)
      .set('Authorization', bearer(admin.accessToken));
    expect(response.body.error.code).to.equal('FORBIDDEN');
  });
});

describe('LAST_ADMIN', () => {
  it('two admins demoting each other, queued on one lock: one wins, the other gets 409 LAST_ADMIN', async () => {
    const { answers, admins } = await queuedMutualDemotion();
    expect(answers.map((answer) => answer.status).sort()).to.deep.equal([200, 409]);
    expect(answers.find((answer) => answer.status === 409)?.body.error.code).to.equal('LAST_ADMIN');
    expect(admins).to.equal(1);
  });

  it('leaves exactly one admin whenever two admins demote or delete each other at once (20 races)', async function () {
    this.timeout(120_000);
    for (const kind of ['patch', 'delete'] as const) {
      await expectRacesWon(10, 1, async () => {
        const { answers, admins } = await mutualAdminRemoval(kind);
        const statuses = answers.map((answer) => answer.status);
        const problems: string[] = [];
        if (admins !== 1) problems.push(`${admins} admins left`);
        if (!statuses.includes(200)) problems.push(`statuses ${statuses.join(',')}`);
        if (statuses.some((status) => status >= 500)) problems.push(`a 5xx: ${statuses.join(',')}`);
        return problems;
      });
    }
  });
});

/** Both demotions wait behind a held lock on the first admin's row, then run one after the other. */
async function queuedMutualDemotion() {
  await User.update({ role: 'user' }, { where: { role: 'admin' } });
  const first = await loggedInAs('admin');
  const second = await loggedInAs('admin');
  const lock = await holdUserRow(first.user.id);
  const app = api();
  const demote = (actor: typeof first, target: typeof first) =>
    app.patch(`/admin/users/${target.user.id}`).set('Authorization', bearer(actor.accessToken)).send({ role: 'user' });
  const pending = Promise.all([demote(first, second), demote(second, first)]);
  await lock.untilWaiting(2);
  await lock.release();
  const answers = await pending;
  const admins = await User.count({ where: { id: [first.user.id, second.user.id], role: 'admin' } });
  return { answers, admins };
}

describe('GET /admin/audit', () => {
  it('filters by actor, target, action and since, newest first, and records the security events', async () => {
    const victim = await loggedInUser();
    const app = api({ REFRESH_GRACE_SECONDS: '0' });
    const since = new Date(Date.now() - 1000).toISOString();
    await app
      .post('/auth/password')
      .set('Authorization', bearer(victim.accessToken))
      .send({ current_password: PASSWORD, new_password: 'another passphrase' })
      .expect(200);
    await app.post('/auth/refresh').send({ refresh_token: victim.refreshToken }).expect(200);
    await app.post('/auth/refresh').send({ refresh_token: victim.refreshToken }).expect(401);
    const login = await app.post('/auth/login').send({ email: victim.user.email, password: 'another passphrase' });
    await app
      .post('/auth/logout')
      .set('Authorization', bearer(login.body.access_token as string))
      .send({ scope: 'all' })
      .expect(200);

    const admin = await loggedInAs('admin');
    const list = (query: string) => api().get(`/admin/audit?${query}`).set('Authorization', bearer(admin.accessToken));
    const all = await list(`target=${victim.user.id}&since=${since}`);
    expect(all.body.events.map((event: { action: string }) => event.action)).to.deep.equal([
      'logout.all',
      'refresh.reuse_detected',
      'password.changed',
    ]);
    expect(all.body.total).to.equal(3);
    const bySystem = await list(`target=${victim.user.id}&actor=system`);
    expect(bySystem.body.events.map((event: { actor: string }) => event.actor)).to.deep.equal(['system']);
    const byUser = await list(`actor=${victim.user.id}&action=password.changed`);
    expect(byUser.body.events).to.have.length(1);
    const text = JSON.stringify(all.body);
    for (const secret of [PASSWORD, 'another passphrase', victim.refreshToken, '$2b$'])
      expect(text).to.not.include(secret);
  });
});
