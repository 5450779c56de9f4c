import { expect } from 'chai';
import type { Authenticated } from '../../../src/services/auth.service';
import { expectAppError } from '../../support/app-errors';
import { CLIENT, fakeServices, ORIGIN, PASSWORD } from '../../support/fake-services';

/** A user with two sessions; `first` and `second` are who each session authenticates as. */
async function userWithTwoSessions(overrides: Record<string, string> = {}) {
  const services = fakeServices(overrides);
  const { auth, database } = services;
  const email = 'ada@example.com';
  const signup = await auth.signup({ email, password: PASSWORD, name: 'Ada' }, CLIENT);
  const login = await auth.login({ email, password: PASSWORD }, CLIENT);
  const first: Authenticated = await auth.authenticate(signup.access_token);
  const second: Authenticated = await auth.authenticate(login.access_token);
  const rowsOf = (caller: Authenticated) =>
    [...database.tables.sessions.values()].filter((row) => row.familyId === caller.token.sessionId);
  return { ...services, signup, login, first, second, rowsOf };
}

describe('account service (fake database)', () => {
  describe('logout', () => {
    it('current: blocks the access token, ends its session, and the cache knows at once', async () => {
      const { auth, account, database, signup, login, first, rowsOf, revocations } = await userWithTwoSessions({
        REVOCATION_CACHE_TTL_MS: '60000',
      });
      await account.logout(first, 'current', ORIGIN);
      expect(database.tables.blockedTokens.get(first.token.jti)?.reason).to.equal('logout');
      expect(rowsOf(first).map((row) => row.reason)).to.deep.equal(['logout']);
      expect(revocations).to.deep.equal(['logout']);
      await expectAppError(auth.authenticate(signup.access_token), 'TOKEN_REVOKED');
      await auth.authenticate(login.access_token);
    });

    it('current, twice with one token: TOKEN_REVOKED, and nothing more is written or counted', async () => {
      const { account, database, first, revocations } = await userWithTwoSessions();
      await account.logout(first, 'current', ORIGIN);
      const commits = database.commits;
      await expectAppError(account.logout(first, 'current', ORIGIN), 'TOKEN_REVOKED');
      expect(database.commits).to.equal(commits);
      expect(database.tables.blockedTokens.size).to.equal(1);
      expect(revocations).to.deep.equal(['logout']);
    });

    it('others: ends every other session and keeps this one', async () => {
      const { auth, account, signup, login, first, second, rowsOf } = await userWithTwoSessions();
      await account.logout(first, 'others', ORIGIN);
      expect(rowsOf(second).map((row) => row.reason)).to.deep.equal(['logout_others']);
      expect(rowsOf(first).map((row) => row.revokedAt)).to.deep.equal([null]);
      await auth.authenticate(signup.access_token);
      await expectAppError(auth.authenticate(login.access_token), 'TOKEN_REVOKED');
    });

    it('all: bumps the token version and ends every session', async () => {
      const { auth, account, database, signup, first, second, rowsOf } = await userWithTwoSessions();
      await account.logout(first, 'all', ORIGIN);
      expect(database.tables.users.get(first.user.id)?.tokenVersion).to.equal(1);
      expect([...rowsOf(first), ...rowsOf(second)].map((row) => row.reason)).to.deep.equal([
        'logout_all',
        'logout_all',
      ]);
      await expectAppError(auth.authenticate(signup.access_token), 'TOKEN_REVOKED');
    });
  });

  describe('revokeSession', () => {
    it("ends one of the caller's sessions", async () => {
      const { account, first, second, rowsOf, revocations } = await userWithTwoSessions();
      await account.revokeSession(first, second.token.sessionId);
      expect(rowsOf(second).map((row) => row.reason)).to.deep.equal(['logout']);
      expect(revocations).to.deep.equal(['logout']);
    });

    it('answers SESSION_NOT_FOUND for an unknown or ended session, counting nothing', async () => {
      const { account, first, second, revocations } = await userWithTwoSessions();
      await account.revokeSession(first, second.token.sessionId);
      await expectAppError(account.revokeSession(first, second.token.sessionId), 'SESSION_NOT_FOUND');
      await expectAppError(account.revokeSession(first, 'no-such-session'), 'SESSION_NOT_FOUND');
      expect(revocations).to.deep.equal(['logout']);
    });
  });

  describe('listSessions', () => {
    it("lists the caller's live sessions and marks the current one", async () => {
      const { account, first, second } = await userWithTwoSessions();
      const list = await account.listSessions(second);
      expect(list.map((session) => session.id)).to.have.members([first.token.sessionId, second.token.sessionId]);
      expect(list.find((session) => session.current)?.id).to.equal(second.token.sessionId);
    });
  });

  describe('changePassword', () => {
    it('changes the password and ends every other session; this one stays', async () => {
      const { account, auth, database, first, second, rowsOf } = await userWithTwoSessions();
      await account.changePassword(first, { current_password: PASSWORD, new_password: 'a brand new password' }, ORIGIN);
      expect(rowsOf(second).map((row) => row.reason)).to.deep.equal(['password_change']);
      expect(rowsOf(first).map((row) => row.revokedAt)).to.deep.equal([null]);
      await auth.login({ email: first.user.email, password: 'a brand new password' }, CLIENT);
      expect(database.tables.users.size).to.equal(1);
      expect(database.tables.retiredEmailTokens).to.deep.equal([{ userId: first.user.id, purpose: 'reset' }]);
    });

    it('answers PASSWORD_INCORRECT for a wrong current password and changes nothing', async () => {
      const { account, database, first, second, rowsOf } = await userWithTwoSessions();
      const before = database.tables.users.get(first.user.id)?.passwordHash;
      const input = { current_password: 'not my password', new_password: 'a brand new password' };
      await expectAppError(account.changePassword(first, input, ORIGIN), 'PASSWORD_INCORRECT');
      expect(database.tables.users.get(first.user.id)?.passwordHash).to.equal(before);
      expect(rowsOf(second).map((row) => row.revokedAt)).to.deep.equal([null]);
    });

    it('answers PASSWORD_INCORRECT when another change commits between the check and the lock', async () => {
      const { account, database, passwords, first, second, rowsOf } = await userWithTwoSessions();
      const concurrentHash = await passwords.hash('changed meanwhile');
      database.commitsBefore = () => {
        const user = database.tables.users.get(first.user.id);
        if (user !== undefined) user.passwordHash = concurrentHash;
      };
      const input = { current_password: PASSWORD, new_password: 'a brand new password' };
      await expectAppError(account.changePassword(first, input, ORIGIN), 'PASSWORD_INCORRECT');
      expect(database.tables.users.get(first.user.id)?.passwordHash).to.equal(concurrentHash);
      expect(rowsOf(second).map((row) => row.revokedAt)).to.deep.equal([null]);
    });

    it('answers PASSWORD_INCORRECT to a user without a password, and sets none', async () => {
      const { account, database, first } = await userWithTwoSessions();
      const user = database.tables.users.get(first.user.id);
      if (user !== undefined) user.passwordHash = null;
      const input = { current_password: PASSWORD, new_password: 'a brand new password' };
      await expectAppError(account.changePassword(first, input, ORIGIN), 'PASSWORD_INCORRECT');
      expect(database.tables.users.get(first.user.id)?.passwordHash).to.equal(null);
    });

    it('answers USER_NOT_FOUND when the user is gone', async () => {
      const { account, database, first } = await userWithTwoSessions();
      database.tables.users.delete(first.user.id);
      const input = { current_password: PASSWORD, new_password: 'a brand new password' };
      await expectAppError(account.changePassword(first, input, ORIGIN), 'USER_NOT_FOUND');
    });
  });
});
