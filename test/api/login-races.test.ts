import bcrypt from 'bcrypt';
import { expect } from 'chai';
import type { Response, Test } from 'supertest';
import { Session, User } from '../../src/models';
import { api, createUser, decode, PASSWORD } from '../support/factories';
import { expectRacesWon, whilePending } from '../support/races';
import { queuedInOrder } from '../support/user-row-lock';

/** Rounds per race, each with PARALLEL users racing at once. */
const ROUNDS = 10;
const PARALLEL = 2;
/** Clients that log in again and again while a revocation runs: some verify before it commits and finish after. */
const LOGIN_CLIENTS = 3;
const NEW_PASSWORD = 'a brand new password';

type Agent = ReturnType<typeof api>;

const bearer = (token: string): string => `Bearer ${token}`;
const sessionIdOf = (response: Response): string => String(decode(String(response.body.access_token)).sid);

/** The live sessions of a user, as the database holds them. */
async function liveSessionIds(userId: number): Promise<string[]> {
  const rows = await Session.findAll({ where: { userId, revokedAt: null }, attributes: ['familyId'], raw: true });
  return [...new Set(rows.map((row) => row.familyId))];
}

/** What still works of a login's tokens (its access token, its refresh token): nothing should. */
async function stillWorking(app: Agent, login: Response): Promise<string[]> {
  const problems: string[] = [];
  const user = await app.get('/auth/user').set('Authorization', bearer(String(login.body.access_token)));
  if (user.status !== 401) problems.push(`its access token got ${user.status}`);
  const refreshed = await app.post('/auth/refresh').send({ refresh_token: login.body.refresh_token });
  if (refreshed.status !== 401) problems.push(`its refresh token got ${refreshed.status}`);
  return problems;
}

/** Any answer but the expected ones, as a problem. */
function unexpected(responses: Response[], expected: number[]): string[] {
  return responses
    .filter((response) => !expected.includes(response.status))
    .map((response) => `${response.status} ${JSON.stringify(response.body)}`);
}

async function userWithSession(app: Agent) {
  const { user } = await createUser();
  const login = await app.post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
  return { user, accessToken: String(login.body.access_token), sessionId: sessionIdOf(login) };
}

/** Clients logging in with `password` over and over until `until` settles; every answer they got. */
async function keepLoggingIn(app: Agent, email: string, password: string, until: Promise<unknown>) {
  const clients = Array.from({ length: LOGIN_CLIENTS }, () =>
    whilePending(until, async () => app.post('/auth/login').send({ email, password })),
  );
  return (await Promise.all(clients)).flat();
}

/**
 * A password change racing logins with the old and the new password. Afterwards every live
 * session is the changer's or a new-password login's, and no old-password login's tokens work.
 */
async function passwordChangeRace(app: Agent): Promise<string[]> {
  const { user, accessToken, sessionId } = await userWithSession(app);
  // A real promise, so the request is sent once however many wait for it.
  const change = Promise.resolve(
    app
      .post('/auth/password')
      .set('Authorization', bearer(accessToken))
      .send({ current_password: PASSWORD, new_password: NEW_PASSWORD }),
  );
  const [changed, withOld, withNew] = await Promise.all([
    change,
    keepLoggingIn(app, user.email, PASSWORD, change),
    keepLoggingIn(app, user.email, NEW_PASSWORD, change),
  ]);
  const problems = [...unexpected([changed], [200]), ...unexpected([...withOld, ...withNew], [200, 401])];
  const allowed = new Set([sessionId, ...withNew.filter((login) => login.status === 200).map(sessionIdOf)]);
  for (const live of await liveSessionIds(user.id)) {
    if (!allowed.has(live)) problems.push(`session ${live} of an old-password login is alive`);
  }
  for (const login of withOld.filter((candidate) => candidate.status === 200)) {
    problems.push(...(await stillWorking(app, login)).map((problem) => `an old-password login: ${problem}`));
  }
  return problems;
}

/**
 * "Log out everywhere" racing logins. A login whose token carries version 0 read the user before
 * the logout committed: afterwards none of those may have a live session or working tokens.
 */
async function logoutAllRace(app: Agent): Promise<string[]> {
  const { user, accessToken } = await userWithSession(app);
  const logout = Promise.resolve(
    app.post('/auth/logout').set('Authorization', bearer(accessToken)).send({ scope: 'all' }),
  );
  const [loggedOut, logins] = await Promise.all([logout, keepLoggingIn(app, user.email, PASSWORD, logout)]);
  const problems = [...unexpected([loggedOut], [200]), ...unexpected(logins, [200, 401])];
  const succeeded = logins.filter((login) => login.status === 200);
  const before = succeeded.filter((login) => decode(String(login.body.access_token)).ver === 0);
  const after = new Set(succeeded.filter((login) => !before.includes(login)).map(sessionIdOf));
  for (const live of await liveSessionIds(user.id)) {
    if (!after.has(live)) problems.push(`session ${live} of a login from before the logout is alive`);
  }
  for (const login of before) {
    problems.push(...(await stillWorking(app, login)).map((problem) => `a login from before: ${problem}`));
  }
  return problems;
}

/**
 * Four sessions of one user change the password at once, each from the same current password to
 * its own new one: one wins, the others find the current password changed under them.
 */
async function concurrentChangesRace(app: Agent): Promise<string[]> {
  const { user } = await createUser();
  const sessions = await Promise.all(
    Array.from({ length: 4 }, async () => {
      const login = await app.post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
      return { accessToken: String(login.body.access_token), sessionId: sessionIdOf(login) };
    }),
  );
  const changes = await Promise.all(
    sessions.map((session, index) =>
      app
        .post('/auth/password')
        .set('Authorization', bearer(session.accessToken))
        .send({ current_password: PASSWORD, new_password: `${NEW_PASSWORD} ${index}` }),
    ),
  );
  const problems: string[] = [];
  const winners = changes.flatMap((response, index) => (response.status === 200 ? [index] : []));
  if (winners.length !== 1) problems.push(`${winners.length} changes answered 200`);
  for (const response of changes.filter((candidate) => candidate.status !== 200)) {
    if (response.body.error?.code !== 'PASSWORD_INCORRECT') problems.push(`a loser got ${response.status}`);
  }
  const winner = sessions[winners[0] ?? -1]?.sessionId ?? 'none';
  const live = await liveSessionIds(user.id);
  if (live.join() !== winner) problems.push(`live sessions: [${live.join()}], winner ${winner}`);
  const logins = await Promise.all(
    sessions.map((_, index) =>
      app.post('/auth/login').send({ email: user.email, password: `${NEW_PASSWORD} ${index}` }),
    ),
  );
  const accepted = logins.flatMap((response, index) => (response.status === 200 ? [index] : []));
  if (accepted.join() !== winners.join()) problems.push(`new passwords that log in: [${accepted.join()}]`);
  return problems;
}

describe('logins racing a revocation of every other session', function () {
  // Hundreds of requests per test, on a shared machine: a bound on hanging, not on speed.
  this.timeout(300_000);

  it('POST /auth/password: every session alive afterwards was made with the new password, or is the changer', async () => {
    const app = api();
    await expectRacesWon(ROUNDS, PARALLEL, () => passwordChangeRace(app));
  });

  it('POST /auth/logout {"scope":"all"}: no session outlives it whose login read the user before it', async () => {
    const app = api();
    await expectRacesWon(ROUNDS, PARALLEL, () => logoutAllRace(app));
  });
});

describe('a login queued on the user row behind a revocation of every session', () => {
  const REVOKE_ALL: ReadonlyArray<[string, (app: Agent, accessToken: string) => Test]> = [
    [
      'POST /auth/password',
      (app, accessToken) =>
        app
          .post('/auth/password')
          .set('Authorization', bearer(accessToken))
          .send({ current_password: PASSWORD, new_password: NEW_PASSWORD }),
    ],
    [
      'POST /auth/logout {"scope":"all"}',
      (app, accessToken) => app.post('/auth/logout').set('Authorization', bearer(accessToken)).send({ scope: 'all' }),
    ],
  ];

  for (const [name, revoke] of REVOKE_ALL) {
    it(`${name}: a login that verified the password before it committed fails, and leaves no session`, async () => {
      const app = api();
      const { user, accessToken, sessionId } = await userWithSession(app);
      const [revoked, login] = await queuedInOrder(
        user.id,
        () => revoke(app, accessToken),
        () => app.post('/auth/login').send({ email: user.email, password: PASSWORD }),
      );
      expect(revoked.status).to.equal(200);
      expect(login.status, JSON.stringify(login.body)).to.equal(401);
      expect(login.body.error.code).to.equal('INVALID_CREDENTIALS');
      const survivors = name === 'POST /auth/password' ? [sessionId] : [];
      expect(await liveSessionIds(user.id)).to.deep.equal(survivors);
    });

    it(`${name}: a login that committed before it is ended by it`, async () => {
      const app = api();
      const { user, accessToken } = await userWithSession(app);
      const [login, revoked] = await queuedInOrder(
        user.id,
        () => app.post('/auth/login').send({ email: user.email, password: PASSWORD }),
        () => revoke(app, accessToken),
      );
      expect([login.status, revoked.status]).to.deep.equal([200, 200]);
      expect(await stillWorking(app, login)).to.deep.equal([]);
    });
  }

  it('POST /auth/password twice from one current password: the first wins, the second gets 403', async () => {
    const app = api();
    const { user, accessToken } = await userWithSession(app);
    const second = await app.post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
    const change = (token: string, newPassword: string) => () =>
      app
        .post('/auth/password')
        .set('Authorization', bearer(token))
        .send({ current_password: PASSWORD, new_password: newPassword });
    const [first, late] = await queuedInOrder(
      user.id,
      change(accessToken, NEW_PASSWORD),
      change(String(second.body.access_token), `${NEW_PASSWORD} too`),
    );
    expect(first.status).to.equal(200);
    expect(late.status).to.equal(403);
    expect(late.body.error.code).to.equal('PASSWORD_INCORRECT');
    await app.post('/auth/login').send({ email: user.email, password: NEW_PASSWORD }).expect(200);
    await app
      .post('/auth/login')
      .send({ email: user.email, password: `${NEW_PASSWORD} too` })
      .expect(401);
  });
});

describe('concurrent logins that each re-hash the password', () => {
  it('all succeed: a hash re-made at the new cost is not mistaken for a password change', async () => {
    const { user } = await createUser();
    const app = api({ BCRYPT_ROUNDS: '5' });
    const logins = await Promise.all(
      Array.from({ length: 6 }, () => app.post('/auth/login').send({ email: user.email, password: PASSWORD })),
    );
    expect(logins.map((login) => login.status)).to.deep.equal(Array<number>(6).fill(200));
    const stored = await User.findByPk(user.id, { rejectOnEmpty: true });
    expect(bcrypt.getRounds(stored.passwordHash ?? '')).to.equal(5);
  });
});

describe('concurrent password changes', function () {
  this.timeout(300_000);

  it('let exactly one win; the rest get 403 PASSWORD_INCORRECT, and only the winner keeps a session', async () => {
    const app = api();
    await expectRacesWon(ROUNDS, PARALLEL, () => concurrentChangesRace(app));
  });
});
