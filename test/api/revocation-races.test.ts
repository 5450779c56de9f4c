import type { Response, Test } from 'supertest';
import { Session } from '../../src/models';
import { api, createUser, decode, PASSWORD } from '../support/factories';
import { expectRacesWon } from '../support/races';

/** Rounds per revoking request, each with PARALLEL users racing at once, to provoke lock conflicts. */
const ROUNDS = 30;
const PARALLEL = 3;
const NEW_PASSWORD = 'a brand new password';

type Agent = ReturnType<typeof api>;
type Name = 'caller' | 'target' | 'bystander';

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

/** The token pair a 200 refresh answered, or null. */
function pairOf(response: Response): TokenPair | null {
  if (response.status !== 200) return null;
  return { accessToken: String(response.body.access_token), refreshToken: String(response.body.refresh_token) };
}

/**
 * Everything wrong with one ended session after the race: any of its refresh tokens (the one it
 * had, and any a racing refresh returned) that still refreshes, any access token that still works,
 * any live row left in the database.
 */
async function survivorsOf(app: Agent, name: Name, before: LoggedInSession, racing: TokenPair[]): Promise<string[]> {
  const problems: string[] = [];
  for (const pair of racing) {
    const refreshed = await app.post('/auth/refresh').send({ refresh_token: pair.refreshToken });
    if (refreshed.status !== 401) problems.push(`[alive] ${name}: a new refresh token got ${refreshed.status}`);
  }
  for (const accessToken of [before.accessToken, ...racing.map((pair) => pair.accessToken)]) {
    const user = await app.get('/auth/user').set('Authorization', bearer(accessToken));
    if (user.status !== 401) problems.push(`[alive] ${name}: an access token got ${user.status}`);
  }
  const old = await app.post('/auth/refresh').send({ refresh_token: before.refreshToken });
  if (old.status === 409) problems.push(`[409] ${name}: the old refresh token got 409 ${old.body.error.code}`);
  else if (old.status !== 401) problems.push(`[alive] ${name}: the old refresh token got ${old.status}`);
  const live = await Session.count({ where: { familyId: before.sessionId, revokedAt: null } });
  if (live !== 0) problems.push(`[alive] ${name}: ${live} live row(s) left`);
  return problems;
}

/**
 * One round: a user with three sessions; the target is refreshed three times (one wins, the others
 * get 409), the bystander twice and the caller once, all while the caller revokes. The extra
 * refreshes are there to make lock conflicts likely. Returns what went wrong, if anything.
 */
async function raceOnce(app: Agent, revoker: Revoker): Promise<string[]> {
  const { user, password } = await createUser();
  const sessions: Record<Name, LoggedInSession> = {
    caller: await login(app, user.email, password),
    target: await login(app, user.email, password),
    bystander: await login(app, user.email, password),
  };
  const refreshOf = (name: Name): Test =>
    app.post('/auth/refresh').send({ refresh_token: sessions[name].refreshToken });
  const [revoked, ...refreshes] = await Promise.all([
    revoker.send(app, sessions),
    refreshOf('target'),
    refreshOf('target'),
    refreshOf('target'),
    refreshOf('bystander'),
    refreshOf('bystander'),
    refreshOf('caller'),
  ]);
  const racedBy: Record<Name, Response[]> = {
    target: refreshes.slice(0, 3),
    bystander: refreshes.slice(3, 5),
    caller: refreshes.slice(5),
  };
  const problems = [revoked, ...refreshes]
    .filter((response) => response.status >= 500)
    .map((response) => `[5xx] ${response.status} ${JSON.stringify(response.body)}`);
  if (revoked.status !== 200) return [...problems, `the revocation answered ${revoked.status}`];
  const survivors = await Promise.all(
    revoker.ends.map((name) => {
      const racing = racedBy[name].map(pairOf).filter((pair): pair is TokenPair => pair !== null);
      return survivorsOf(app, name, sessions[name], racing);
    }),
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
