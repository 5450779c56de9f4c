import { randomInt, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { AuditEvent, AuthjsSession, User, VerificationToken } from '../../src/models';
import { demoteEveryAdmin, userWithRole } from '../support/admins';
import { purgeExpired } from '../../src/services/purge.service';
import { tokenHash } from '../../src/services/token-hash';
import { ADAPTER_SECRET } from '../support/config';
import { testSequelize } from '../support/database';
import { api, loggedInUser, PASSWORD, uniqueEmail } from '../support/factories';
import { createDatabase } from '../../src/repositories';
import { ADAPTER_ROUTES } from '../../src/routes/adapter.routes';

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

/** An IP of its own, so the secret-failure counter of one test is not another's. */
const fakeIp = () => `198.19.${randomInt(256)}.${randomInt(256)}`;

/** Creates an Auth.js session of the user through the API; returns its token. */
async function authjsSession(app: ReturnType<typeof api>, userId: number): Promise<string> {
  const sessionToken = randomUUID();
  await app
    .post('/adapter/users/sessions')
    .set('X-Auth-Secret', ADAPTER_SECRET)
    .send({ sessionToken, userId: String(userId), expires: inAnHour() })
    .expect(200);
  return sessionToken;
}

const sessionOf = (app: ReturnType<typeof api>, sessionToken: string) =>
  app.get(`/adapter/users/sessions/${sessionToken}`).set('X-Auth-Secret', ADAPTER_SECRET).expect(200);

describe('/adapter: the Auth.js adapter API', () => {
  describe('switched off and the shared secret', () => {
    it('answers 404 NOT_FOUND, as an unknown path, while AUTHJS_ADAPTER_SECRET is unset', async () => {
      const app = api({ AUTHJS_ADAPTER_SECRET: '' });
      const unknown = await app.get('/no-such-path');
      for (const path of ['/adapter/users/1', '/adapter/users/emails?email=a@b.c']) {
        const response = await app.get(path).set('X-Auth-Secret', ADAPTER_SECRET);
        expect(response.status, path).to.equal(404);
        expect(response.body).to.deep.equal(unknown.body);
      }
    });

    it('refuses a secret shorter than 32 bytes at startup', () => {
      expect(() => api({ AUTHJS_ADAPTER_SECRET: 'x'.repeat(31) })).to.throw(
        /AUTHJS_ADAPTER_SECRET must be at least 32 bytes/,
      );
    });

    it('answers 401 ADAPTER_SECRET_INVALID without the secret or with a wrong one, and writes nothing', async () => {
      const app = api();
      const email = uniqueEmail();
      for (const secret of [undefined, 'wrong', `${ADAPTER_SECRET}x`, ADAPTER_SECRET.slice(1)]) {
        const request = app.post('/adapter/users').send({ email });
        const response = await (secret === undefined ? request : request.set('X-Auth-Secret', secret));
        expect(response.status).to.equal(401);
        expect(response.body.error.code).to.equal('ADAPTER_SECRET_INVALID');
      }
      expect(await User.count({ where: { email } })).to.equal(0);
    });

    it('answers 401 without the secret at every route, 404 in another letter case, and writes nothing', async () => {
      const app = api();
      const { user } = await loggedInUser();
      const sessionToken = randomUUID();
      const samples: Record<string, string> = {
        id: String(user.id),
        provider: 'github',
        providerAccountId: '42',
        sessionToken,
        credentialID: 'credential',
      };
      const bodies: Record<string, object> = {
        createSession: { sessionToken, userId: String(user.id), expires: inAnHour() },
        updateUser: { id: String(user.id), email: uniqueEmail() },
        createUser: { email: uniqueEmail() },
      };
      for (const [name, route] of Object.entries(ADAPTER_ROUTES)) {
        const concrete = route.path.replace(/:(\w+)/g, (_placeholder, param: string) => samples[param] ?? 'x');
        // The secret guards each route; a path in another letter case reaches no route at all.
        for (const [prefix, status, code] of [
          ['/adapter', 401, 'ADAPTER_SECRET_INVALID'],
          ['/Adapter', 404, 'NOT_FOUND'],
          ['/ADAPTER', 404, 'NOT_FOUND'],
        ] as const) {
          const response = await app[route.method](`${prefix}${concrete}?email=${encodeURIComponent(user.email)}`)
            .set('X-Forwarded-For', fakeIp())
            .send(bodies[name] ?? {});
          expect(response.status, `${route.method} ${prefix}${concrete}`).to.equal(status);
          expect(response.body.error.code).to.equal(code);
        }
      }
      expect(await AuthjsSession.count({ where: { userId: user.id } })).to.equal(0);
      expect((await User.findByPk(user.id))?.email).to.equal(user.email);
    });

    it('rate-limits failed secrets per IP (429 RATE_LIMITED with Retry-After), never the right secret', async () => {
      const app = api({ TRUST_PROXY: 'true', RATE_LIMIT_ADAPTER_SECRET_FAILURES_PER_IP: '2' });
      const ip = fakeIp();
      const codes = [];
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const response = await app.get('/adapter/users/1').set('X-Forwarded-For', ip).set('X-Auth-Secret', 'wrong');
        codes.push(response.body.error.code);
        if (response.status === 429) expect(Number(response.headers['retry-after'])).to.be.at.least(1);
      }
      expect(codes).to.deep.equal(['ADAPTER_SECRET_INVALID', 'ADAPTER_SECRET_INVALID', 'RATE_LIMITED']);
      const right = await app.get('/adapter/users/1').set('X-Forwarded-For', ip).set('X-Auth-Secret', ADAPTER_SECRET);
      expect(right.status).to.equal(200);
      const other = await app.get('/adapter/users/1').set('X-Forwarded-For', fakeIp()).set('X-Auth-Secret', 'wrong');
      expect(other.body.error.code).to.equal('ADAPTER_SECRET_INVALID');
    });
  });

  describe('routes and answers', () => {
    const call = (method: 'get' | 'post' | 'patch' | 'delete', path: string) =>
      api()[method](path).set('X-Auth-Secret', ADAPTER_SECRET);

    it('answers a miss with 200 and the JSON body null', async () => {
      for (const path of [
        '/adapter/users/999999999',
        `/adapter/users/emails?email=${uniqueEmail()}`,
        '/adapter/users/accounts/github/nobody',
        `/adapter/users/sessions/${randomUUID()}`,
        `/adapter/sessions/${randomUUID()}`,
        '/adapter/accounts/github/nobody',
        `/adapter/authenticators/${randomUUID()}`,
      ]) {
        const response = await call('get', path);
        expect(response.status, path).to.equal(200);
        expect(response.type, path).to.equal('application/json');
        expect(response.text, path).to.equal('null');
      }
    });

    it('routes /adapter/users/emails, /accounts/…, /sessions/… before /adapter/users/:id', async () => {
      const created = await call('post', '/adapter/users').send({ email: uniqueEmail(), name: 'Ada' }).expect(200);
      const byEmail = await call('get', `/adapter/users/emails?email=${created.body.email}`).expect(200);
      expect(byEmail.body).to.deep.equal(created.body);
      expect((await call('get', '/adapter/users/sessions').expect(200)).text).to.equal('null');
    });

    it('answers 400 VALIDATION_FAILED naming the field, never a 500', async () => {
      const cases: Array<[ReturnType<typeof call>, string]> = [
        [call('post', '/adapter/users').send({ email: 'not-an-email' }), 'email'],
        [call('post', '/adapter/users').send({ email: uniqueEmail(), emailVerified: 'yesterday' }), 'emailVerified'],
        [call('patch', '/adapter/users').send({ name: 'no id' }), 'id'],
        [call('get', '/adapter/users/emails'), 'email'],
        [call('post', '/adapter/users/sessions').send({ sessionToken: 't', userId: '1', expires: 'soon' }), 'expires'],
        [
          call('post', '/adapter/users/accounts').send({
            userId: '1',
            type: 'magic',
            provider: 'x',
            providerAccountId: 'y',
          }),
          'type',
        ],
        [
          call('post', '/adapter/users/accounts').send({
            userId: '1',
            type: 'oauth',
            provider: 'x',
            providerAccountId: 'y',
            extra: { nested: true },
          }),
          'extra',
        ],
        [call('post', '/adapter/users/verification').send({ identifier: 'a', expires: inAnHour() }), 'token'],
        [call('patch', '/adapter/authenticators').send({ credentialID: 'c', counter: -1 }), 'counter'],
        // Valid ISO 8601, but no MySQL DATETIME holds them: each was a 500.
        ...['+010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '0999-12-31T23:59:59Z'].flatMap(
          (date): Array<[ReturnType<typeof call>, string]> => [
            [call('post', '/adapter/users').send({ email: uniqueEmail(), emailVerified: date }), 'emailVerified'],
            [call('patch', '/adapter/users').send({ id: '1', emailVerified: date }), 'emailVerified'],
            [
              call('post', '/adapter/users/sessions').send({ sessionToken: 't', userId: '1', expires: date }),
              'expires',
            ],
            [call('patch', '/adapter/users/sessions').send({ sessionToken: 't', expires: date }), 'expires'],
            [
              call('post', '/adapter/users/verification').send({ identifier: 'a', token: 't', expires: date }),
              'expires',
            ],
          ],
        ),
      ];
      for (const [request, field] of cases) {
        const response = await request;
        expect(response.status, field).to.equal(400);
        expect(response.body.error.code).to.equal('VALIDATION_FAILED');
        expect(response.body.error.details.map((detail: { field: string }) => detail.field)).to.include(field);
      }
    });

    it('answers ids as strings and dates as ISO 8601', async () => {
      const emailVerified = '2026-11-30T08:00:00.123Z';
      const created = await call('post', '/adapter/users').send({ email: uniqueEmail(), emailVerified }).expect(200);
      expect(created.body).to.include({ emailVerified, name: null, image: null });
      expect(created.body.id).to.be.a('string');
    });
  });

  describe('deleteUser keeps the admin safeguards', () => {
    it('refuses to delete the last enabled admin (409 LAST_ADMIN); another is deleted and audited', async () => {
      const app = api();
      await demoteEveryAdmin();
      const only = await userWithRole('admin');
      const refused = await app.delete(`/adapter/users/${only.id}`).set('X-Auth-Secret', ADAPTER_SECRET);
      expect(refused.status).to.equal(409);
      expect(refused.body.error.code).to.equal('LAST_ADMIN');
      expect(await User.count({ where: { id: only.id } })).to.equal(1);

      const second = await userWithRole('admin');
      await app.delete(`/adapter/users/${second.id}`).set('X-Auth-Secret', ADAPTER_SECRET).expect(204);
      expect(await User.count({ where: { id: second.id } })).to.equal(0);
      const audit = await AuditEvent.findAll({ where: { targetUserId: second.id, action: 'user.deleted' } });
      expect(audit.map((event) => [event.actorId, event.changes])).to.deep.equal([
        [null, { email: second.email, role: 'admin' }],
      ]);
    });
  });

  describe('revocation reaches Auth.js sessions', () => {
    it('logout of all sessions deletes the user’s Auth.js sessions', async () => {
      const app = api();
      const { user, accessToken } = await loggedInUser();
      const sessionToken = await authjsSession(app, user.id);
      expect((await sessionOf(app, sessionToken)).body).to.not.equal(null);
      await app.post('/auth/logout').set('Authorization', `Bearer ${accessToken}`).send({ scope: 'all' }).expect(200);
      expect((await sessionOf(app, sessionToken)).text).to.equal('null');
      expect(await AuthjsSession.count({ where: { userId: user.id } })).to.equal(0);
    });

    it('logout of the current session alone leaves them', async () => {
      const app = api();
      const { user, accessToken } = await loggedInUser();
      const sessionToken = await authjsSession(app, user.id);
      await app.post('/auth/logout').set('Authorization', `Bearer ${accessToken}`).expect(200);
      expect((await sessionOf(app, sessionToken)).body.sessionToken).to.equal(sessionToken);
    });

    it('a password change deletes them', async () => {
      const app = api();
      const { user, accessToken } = await loggedInUser();
      const sessionToken = await authjsSession(app, user.id);
      await app
        .post('/auth/password')
        .set('Authorization', `Bearer ${accessToken}`)
        .send({ current_password: PASSWORD, new_password: 'another passphrase' })
        .expect(200);
      expect((await sessionOf(app, sessionToken)).text).to.equal('null');
    });

    it('deleting the user through /adapter ends its access tokens too', async () => {
      const app = api();
      const { user, accessToken } = await loggedInUser();
      await app.delete(`/adapter/users/${user.id}`).set('X-Auth-Secret', ADAPTER_SECRET).expect(204);
      const after = await app.get('/auth/user').set('Authorization', `Bearer ${accessToken}`);
      expect(after.status).to.equal(401);
    });
  });

  it('--purge deletes expired Auth.js sessions and verification tokens, and keeps live ones', async () => {
    const { user } = await loggedInUser();
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 60_000);
    const [expired, live] = [tokenHash(randomUUID()), tokenHash(randomUUID())];
    await AuthjsSession.bulkCreate([
      { sessionTokenHash: expired, userId: user.id, expires: past },
      { sessionTokenHash: live, userId: user.id, expires: future },
    ]);
    const identifier = uniqueEmail();
    await VerificationToken.bulkCreate([
      { identifier, tokenHash: expired, expires: past },
      { identifier, tokenHash: live, expires: future },
    ]);

    const removed = await purgeExpired(createDatabase(testSequelize()));

    expect(removed.authjsSessions).to.be.at.least(1);
    expect(removed.verificationTokens).to.be.at.least(1);
    const sessions = await AuthjsSession.findAll({ where: { userId: user.id }, raw: true });
    expect(sessions.map((row) => row.sessionTokenHash)).to.deep.equal([live]);
    const tokens = await VerificationToken.findAll({ where: { identifier }, raw: true });
    expect(tokens.map((row) => row.tokenHash)).to.deep.equal([live]);
  });
});
