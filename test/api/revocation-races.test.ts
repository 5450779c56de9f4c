import { expect } from 'chai';
import type { Response, Test } from 'supertest';
import { Session } from '../../src/models';
import { api, createUser, decode, PASSWORD } from '../support/factories';
import { expectRacesWon, whilePending } from '../support/races';
import { queuedInOrder } from '../support/user-row-lock';

/** Rounds per revoking request, each with PARALLEL users racing at once, to provoke lock conflicts. */
const ROUNDS = 20;
const PARALLEL = 3;
const NEW_PASSWORD = 'a brand new password';

type Agent = ReturnType<typeof api>;
const NAMES = ['caller', 'target', 'bystander'] as const;
type Name = (typeof NAMES)[number];

interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

interface LoggedInSession extends TokenPair {
  sessionId: string;
}

const bearer = (token: string): string => `Bearer ${token}`;

async function login(app: Agent, email: string, password: string): Promise<LoggedInSession> {
  const response = await app.post('/auth/login').send({ email, password }).expect(200);
  const accessToken = String(response.body.access_token);
  return { accessToken, refreshToken: String(response.body.refresh_token), sessionId: String(decode(accessToken).sid) };
}

/** A request that revokes sessions, sent by the caller, and the sessions a 200 of it must have ended. */
interface Revoker {
  name: string;
  send(app: Agent, sessions: Record<Name, LoggedInSession>): Test;
  ends: readonly Name[];
}

const REVOKERS: readonly Revoker[] = [
  {
    name: 'DELETE /auth/sessions/:id',
    send: (app, { caller, target }) =>
      app.delete(`/auth/sessions/${target.sessionId}`).set('Authorization', bearer(caller.accessToken)),
    ends: ['target'],
  },
  {
    name: 'POST /auth/logout {"scope":"others"}',
    send: (app, { caller }) =>
      app.post('/auth/logout').set('Authorization', bearer(caller.accessToken)).send({ scope: 'others' }),
    ends: ['target', 'bystander'],
  },
  {
    name: 'POST /auth/logout {"scope":"all"}',
    send: (app, { caller }) =>
      app.post('/auth/logout').set('Authorization', bearer(caller.accessToken)).send({ scope: 'all' }),
    ends: ['caller', 'target', 'bystander'],
  },
  {
    name: 'POST /auth/password',
    send: (app, { caller }) =>
      app
        .post('/auth/password')
        .set('Authorization', bearer(caller.accessToken))
        .send({ current_password: PASSWORD, new_password: NEW_PASSWORD }),
    ends: ['target', 'bystander'],
  },
];

/** A client refreshing one session over and over; `issued` holds every pair it was given, in order. */
interface Refresher {
  current: string;
  issued: TokenPair[];
  responses: Response[];
}

/** Refreshes `state.current` until `until` settles; two of these on one session also race each other. */
async function keepRefreshing(app: Agent, state: Refresher, until: Promise<unknown>): Promise<void> {
  const responses = await whilePending(until, async () => {
    const response = await app.post('/auth/refresh').send({ refresh_token: state.current });
    if (response.status === 200) {
      state.current = String(response.body.refresh_token);
      state.issued.push({ accessToken: String(response.body.access_token), refreshToken: state.current });
    }
    return response;
  });
  state.responses.push(...responses);
}

/**
 * Everything wrong with one ended session after the race: its first refresh token, or the last
 * two a racing refresh returned, still refreshing; its first or last access token still working;
 * a live row left in the database (every other token of the session depends on one).
 */
async function survivorsOf(app: Agent, name: Name, before: LoggedInSession, issued: TokenPair[]): Promise<string[]> {
  const problems: string[] = [];
  const latest = issued.slice(-2);
  for (const pair of latest) {
    const refreshed = await app.post('/auth/refresh').send({ refresh_token: pair.refreshToken });
    if (refreshed.status === 409) problems.push(`[409] ${name}: a new refresh token got 409`);
    else if (refreshed.status !== 401) problems.push(`[alive] ${name}: a new refresh token got ${refreshed.status}`);
  }
  for (const accessToken of [before.accessToken, ...latest.map((pair) => pair.accessToken)]) {
    const user = await app.get('/auth/user').set('Authorization', bearer(accessToken));
    if (user.status !== 401) problems.push(`[alive] ${name}: an access token got ${user.status}`);
  }
  const old = await app.post('/auth/refresh').send({ refresh_token: before.refreshToken });
  if (old.status === 409) problems.push(`[409] ${name}: the first refresh token got 409 ${old.body.error.code}`);
  else if (old.status !== 401) problems.push(`[alive] ${name}: the first refresh token got ${old.status}`);
  const live = await Session.count({ where: { familyId: before.sessionId, revokedAt: null } });
  if (live !== 0) problems.push(`[alive] ${name}: ${live} live row(s) left`);
  return problems;
}

/** A user with three live sessions, logged in through `app`. */
async function userWithThreeSessions(app: Agent): Promise<{ userId: number; sessions: Record<Name, LoggedInSession> }> {
  const { user, password } = await createUser();
  const sessions: Record<Name, LoggedInSession> = {
    caller: await login(app, user.email, password),
    target: await login(app, user.email, password),
    bystander: await login(app, user.email, password),
  };
  return { userId: user.id, sessions };
}

/**
 * One race: a user with three sessions, each refreshed over and over while the caller revokes (the
 * target by three clients at once, the bystander by two, which also race each other). Returns
 * what went wrong.
 */
async function raceOnce(app: Agent, revoker: Revoker): Promise<string[]> {
  const { sessions } = await userWithThreeSessions(app);
  const refresherOf = (name: Name): Refresher => ({ current: sessions[name].refreshToken, issued: [], responses: [] });
  const refreshers: Record<Name, Refresher> = {
    caller: refresherOf('caller'),
    target: refresherOf('target'),
    bystander: refresherOf('bystander'),
  };
  // A real promise, so the request is sent once however many wait for it.
  const revocation = Promise.resolve(revoker.send(app, sessions));
  const clients: Name[] = ['target', 'target', 'target', 'bystander', 'bystander', 'caller'];
  await Promise.all([revocation, ...clients.map((name) => keepRefreshing(app, refreshers[name], revocation))]);
  const revoked = await revocation;
  const problems = [revoked, ...NAMES.flatMap((name) => refreshers[name].responses)]
    .filter((response) => response.status >= 500)
    .map((response) => `[5xx] ${response.status} ${JSON.stringify(response.body)}`);
  if (revoked.status !== 200) return [...problems, `the revocation answered ${revoked.status}`];
  const survivors = await Promise.all(
    revoker.ends.map((name) => survivorsOf(app, name, sessions[name], refreshers[name].issued)),
  );
  return [...problems, ...survivors.flat()];
}

describe('revocations racing refreshes of the sessions they end', function () {
  // Hundreds of requests per test, on a shared machine: a bound on hanging, not on speed.
  this.timeout(300_000);

  for (const revoker of REVOKERS) {
    it(`${revoker.name}: no 5xx, and after its 200 no refresh or access token of an ended session works`, async () => {
      const app = api();
      await expectRacesWon(ROUNDS, PARALLEL, () => raceOnce(app, revoker));
    });
  }
});

describe('a revocation and a refresh queued on the user row one behind the other', () => {
  for (const revoker of REVOKERS) {
    it(`${revoker.name} after a refresh: ends the session the refresh extended (no deadlock, no 5xx)`, async () => {
      const app = api();
      const { userId, sessions } = await userWithThreeSessions(app);
      const [refreshed, revoked] = await queuedInOrder(
        userId,
        () => app.post('/auth/refresh').send({ refresh_token: sessions.target.refreshToken }),
        () => revoker.send(app, sessions),
      );
      expect([refreshed.status, revoked.status], JSON.stringify([refreshed.body, revoked.body])).to.deep.equal([
        200, 200,
      ]);
      const issued = {
        accessToken: String(refreshed.body.access_token),
        refreshToken: String(refreshed.body.refresh_token),
      };
      expect(await survivorsOf(app, 'target', sessions.target, [issued])).to.deep.equal([]);
    });

    it(`${revoker.name} before a refresh: the refresh is refused`, async () => {
      const app = api();
      const { userId, sessions } = await userWithThreeSessions(app);
      const [revoked, refreshed] = await queuedInOrder(
        userId,
        () => revoker.send(app, sessions),
        () => app.post('/auth/refresh').send({ refresh_token: sessions.target.refreshToken }),
      );
      expect(revoked.status).to.equal(200);
      expect(refreshed.status).to.equal(401);
      expect(refreshed.body.error.code).to.equal('REFRESH_TOKEN_REVOKED');
      expect(await survivorsOf(app, 'target', sessions.target, [])).to.deep.equal([]);
    });
  }
});
