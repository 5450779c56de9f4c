import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BlockedToken, Session, User } from '../../src/models';
import { api, decode, loggedInUser, signToken } from '../support/factories';
import { statementsOf } from '../support/statements';

type Caller = Awaited<ReturnType<typeof loggedInUser>>;

/** A bound short enough to wait out: a warm app re-reads "still valid" answers after it. */
const WARM_TTL_MS = 100;

/**
 * What the database says of a caller's token, each revocation source apart: a test that changes one
 * of them shows the other two untouched, so only the check under test can refuse the token.
 */
async function revocationState({ user, accessToken, sessionId }: Caller) {
  const liveRows = await Session.count({ where: { userId: user.id, familyId: sessionId, revokedAt: null } });
  const current = await User.findByPk(user.id, { attributes: ['tokenVersion'], raw: true });
  return {
    blocked: (await BlockedToken.count({ where: { jti: String(decode(accessToken).jti) } })) === 1,
    sessionLive: liveRows === 1,
    tokenVersion: current?.tokenVersion ?? null,
  };
}

/** Puts the caller's jti on the blocklist, leaving its session and the user's token version alone. */
async function blockJti({ user, accessToken }: Caller): Promise<void> {
  const claims = decode(accessToken);
  await BlockedToken.create({
    jti: String(claims.jti),
    userId: user.id,
    expiresAt: new Date(Number(claims.exp) * 1000),
    blockedAt: new Date(),
    reason: 'logout',
  });
}

interface RevocationCase {
  check: string;
  /** Makes the token revoked in the database by this check's source only, as another process would. */
  revoke: (caller: Caller) => Promise<void>;
  code: 'TOKEN_REVOKED' | 'USER_NOT_FOUND';
  stateAfter: Awaited<ReturnType<typeof revocationState>>;
}

const CASES: RevocationCase[] = [
  {
    check: 'the blocklisted jti',
    revoke: blockJti,
    code: 'TOKEN_REVOKED',
    stateAfter: { blocked: true, sessionLive: true, tokenVersion: 0 },
  },
  {
    check: 'the ended session',
    revoke: async ({ sessionId }) => {
      await Session.update({ revokedAt: new Date(), reason: 'logout' }, { where: { familyId: sessionId } });
    },
    code: 'TOKEN_REVOKED',
    stateAfter: { blocked: false, sessionLive: false, tokenVersion: 0 },
  },
  {
    check: 'the token version',
    revoke: async ({ user }) => {
      await User.increment('tokenVersion', { where: { id: user.id } });
    },
    code: 'TOKEN_REVOKED',
    stateAfter: { blocked: false, sessionLive: true, tokenVersion: 1 },
  },
  {
    check: 'the deleted user',
    revoke: async ({ user }) => {
      await User.destroy({ where: { id: user.id } });
    },
    // USER_NOT_FOUND comes before any revocation: only the user check can give it, although the
    // cascade also removed the sessions.
    code: 'USER_NOT_FOUND',
    stateAfter: { blocked: false, sessionLive: false, tokenVersion: null },
  },
];

describe('each revocation check in authentication, alone', () => {
  for (const { check, revoke, code, stateAfter } of CASES) {
    describe(check, () => {
      it(`refuses the token with 401 ${code} on an app that never saw it (cold cache)`, async () => {
        const caller = await loggedInUser();
        await revoke(caller);
        expect(await revocationState(caller)).to.deep.equal(stateAfter);

        const response = await api().get('/auth/user').set('Authorization', `Bearer ${caller.accessToken}`);
        expect(response.status).to.equal(401);
        expect(response.body.error.code).to.equal(code);
        expect(response.headers['www-authenticate']).to.equal('Bearer error="invalid_token"');
      });

      it(`refuses the token with 401 ${code} on an app that had cached it as valid (warm cache)`, async () => {
        const caller = await loggedInUser();
        const app = api({ REVOCATION_CACHE_TTL_MS: String(WARM_TTL_MS) });
        await app.get('/auth/user').set('Authorization', `Bearer ${caller.accessToken}`).expect(200);
        await revoke(caller);
        // Not a timing assertion: the cache promises to ask again after its bound, never sooner or later.
        await sleep(WARM_TTL_MS * 2);

        const response = await app.get('/auth/user').set('Authorization', `Bearer ${caller.accessToken}`);
        expect(response.status).to.equal(401);
        expect(response.body.error.code).to.equal(code);
      });
    });
  }

  it('reads the user for a cold check without the password hash, which the hot path never needs', async () => {
    const { accessToken } = await loggedInUser();
    const statements = await statementsOf(() =>
      api().get('/auth/user').set('Authorization', `Bearer ${accessToken}`).expect(200),
    );
    const userReads = statements.filter((sql) => /\bFROM `users`/.test(sql));
    expect(userReads, statements.join('\n')).to.have.length(1);
    expect(userReads[0]).to.include('`token_version`').and.not.include('password_hash');
  });

  it('refuses a blocklisted token whose session lives on: its successor from a refresh still works', async () => {
    const caller = await loggedInUser();
    const app = api();
    const refreshed = await app.post('/auth/refresh').send({ refresh_token: caller.refreshToken }).expect(200);
    await blockJti(caller);

    await app.get('/auth/user').set('Authorization', `Bearer ${caller.accessToken}`).expect(401);
    await app
      .get('/auth/user')
      .set('Authorization', `Bearer ${String(refreshed.body.access_token)}`)
      .expect(200);
  });

  it('refuses a token version bumped by another process once the bound has passed, with no session ended', async () => {
    const caller = await loggedInUser();
    const app = api({ REVOCATION_CACHE_TTL_MS: String(WARM_TTL_MS) });
    await app.get('/auth/user').set('Authorization', `Bearer ${caller.accessToken}`).expect(200);
    await User.increment('tokenVersion', { where: { id: caller.user.id } });
    await sleep(WARM_TTL_MS * 2);
    const refreshed = await app.post('/auth/refresh').send({ refresh_token: caller.refreshToken }).expect(200);

    await app.get('/auth/user').set('Authorization', `Bearer ${caller.accessToken}`).expect(401);
    expect(decode(String(refreshed.body.access_token)).ver).to.equal(1);
    await app
      .get('/auth/user')
      .set('Authorization', `Bearer ${String(refreshed.body.access_token)}`)
      .expect(200);
  });
});

describe('the sid of an access token is bound to its sub', () => {
  /** A token signed with the real secret, as by someone holding a leaked key, for `userId` and `sessionId`. */
  function forgedToken(userId: number, sessionId: string): string {
    const jti = randomBytes(16).toString('base64url');
    return signToken({ sid: sessionId, ver: 0 }, { subject: String(userId), jwtid: jti, expiresIn: 600 });
  }

  it("refuses user V's token naming user A's live session with 401 TOKEN_REVOKED (cold cache)", async () => {
    const [owner, other] = await Promise.all([loggedInUser(), loggedInUser()]);
    const app = api();
    // The forgery itself is sound: with V's own session the same kind of token is accepted.
    await app
      .get('/auth/user')
      .set('Authorization', `Bearer ${forgedToken(other.user.id, other.sessionId)}`)
      .expect(200);

    const response = await app
      .get('/auth/user')
      .set('Authorization', `Bearer ${forgedToken(other.user.id, owner.sessionId)}`);
    expect(response.status).to.equal(401);
    expect(response.body.error.code).to.equal('TOKEN_REVOKED');
    expect(response.headers['www-authenticate']).to.equal('Bearer error="invalid_token"');
  });

  it("refuses it on an app that has just accepted A's own token for that session (warm cache)", async () => {
    const [owner, other] = await Promise.all([loggedInUser(), loggedInUser()]);
    const app = api({ REVOCATION_CACHE_TTL_MS: '60000' });
    await app.get('/auth/user').set('Authorization', `Bearer ${owner.accessToken}`).expect(200);

    const response = await app
      .get('/auth/user')
      .set('Authorization', `Bearer ${forgedToken(other.user.id, owner.sessionId)}`);
    expect(response.status).to.equal(401);
    expect(response.body.error.code).to.equal('TOKEN_REVOKED');
    await app.get('/auth/user').set('Authorization', `Bearer ${owner.accessToken}`).expect(200);
  });

  it("does not let V's token end or list A's session", async () => {
    const [owner, other] = await Promise.all([loggedInUser(), loggedInUser()]);
    const app = api();
    const forged = `Bearer ${forgedToken(other.user.id, owner.sessionId)}`;
    await app.post('/auth/logout').set('Authorization', forged).expect(401);
    await app.get('/auth/sessions').set('Authorization', forged).expect(401);
    expect(await Session.count({ where: { familyId: owner.sessionId, revokedAt: null } })).to.equal(1);
    await app.get('/auth/user').set('Authorization', `Bearer ${owner.accessToken}`).expect(200);
  });
});
