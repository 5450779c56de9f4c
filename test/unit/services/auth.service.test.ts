import { expect } from 'chai';
import bcrypt from 'bcrypt';
import { expectAppError } from '../../support/app-errors';
import { userRecord } from '../../support/fake-database';
import { CLIENT, fakeServices, PASSWORD } from '../../support/fake-services';

const EMAIL = 'ada@example.com';
const signupInput = { email: EMAIL, password: PASSWORD, name: 'Ada' };

describe('auth service (fake database)', () => {
  describe('signup', () => {
    it('creates the user and its first session, and answers tokens that authenticate', async () => {
      const { auth, database } = fakeServices();
      const answer = await auth.signup(signupInput, CLIENT);
      expect(answer.user).to.include({ email: EMAIL, name: 'Ada', role: 'user' });
      expect(database.tables.users.size).to.equal(1);
      expect([...database.tables.sessions.values()].map((row) => row.userId)).to.deep.equal([answer.user.id]);
      expect((await auth.authenticate(answer.access_token)).user.id).to.equal(answer.user.id);
    });

    it('answers EMAIL_TAKEN for a taken email and leaves no row behind', async () => {
      const { auth, database } = fakeServices();
      await auth.signup(signupInput, CLIENT);
      await expectAppError(auth.signup({ ...signupInput, name: 'Other' }, CLIENT), 'EMAIL_TAKEN');
      expect(database.tables.users.size).to.equal(1);
      expect(database.tables.sessions.size).to.equal(1);
      expect(database.rollbacks).to.equal(1);
    });
  });

  describe('login', () => {
    it('gives one answer, INVALID_CREDENTIALS, for an unknown email and a wrong password', async () => {
      const { auth } = fakeServices();
      await auth.signup(signupInput, CLIENT);
      await expectAppError(
        auth.login({ email: 'nobody@example.com', password: PASSWORD }, CLIENT),
        'INVALID_CREDENTIALS',
      );
      await expectAppError(auth.login({ email: EMAIL, password: 'not the password' }, CLIENT), 'INVALID_CREDENTIALS');
    });

    it('refuses a user without a password (provider sign-in only) as INVALID_CREDENTIALS', async () => {
      const { auth, database } = fakeServices();
      database.tables.users.set(9, userRecord({ id: 9, email: EMAIL, passwordHash: null }));
      await expectAppError(auth.login({ email: EMAIL, password: PASSWORD }, CLIENT), 'INVALID_CREDENTIALS');
      expect(database.tables.sessions.size).to.equal(0);
    });

    it('starts a new session on each login', async () => {
      const { auth, database } = fakeServices();
      await auth.signup(signupInput, CLIENT);
      const login = await auth.login({ email: EMAIL, password: PASSWORD }, CLIENT);
      expect(login.refresh_token).to.be.a('string');
      expect(new Set([...database.tables.sessions.values()].map((row) => row.familyId)).size).to.equal(2);
    });

    it('re-hashes a password stored at another bcrypt cost', async () => {
      const { auth, database } = fakeServices({ BCRYPT_ROUNDS: '5' });
      const passwordHash = await bcrypt.hash(PASSWORD, 4);
      database.tables.users.set(7, userRecord({ id: 7, email: EMAIL, passwordHash }));
      await auth.login({ email: EMAIL, password: PASSWORD }, CLIENT);
      const stored = database.tables.users.get(7)?.passwordHash ?? '';
      expect(bcrypt.getRounds(stored)).to.equal(5);
      expect(await bcrypt.compare(PASSWORD, stored)).to.equal(true);
    });

    it('fails, starting no session, when a logout everywhere commits between the password check and the lock', async () => {
      const { auth, database } = fakeServices();
      const { user } = await auth.signup(signupInput, CLIENT);
      database.commitsBefore = () => {
        const row = database.tables.users.get(user.id);
        if (row !== undefined) row.tokenVersion += 1;
      };
      await expectAppError(auth.login({ email: EMAIL, password: PASSWORD }, CLIENT), 'INVALID_CREDENTIALS');
      expect(database.tables.sessions.size).to.equal(1);
    });
  });

  describe('refresh', () => {
    it('answers a new pair for a live refresh token', async () => {
      const { auth } = fakeServices();
      const signup = await auth.signup(signupInput, CLIENT);
      const pair = await auth.refresh(signup.refresh_token, CLIENT);
      expect(pair.refresh_token).to.not.equal(signup.refresh_token);
      expect((await auth.authenticate(pair.access_token)).token.sessionId).to.equal(
        (await auth.authenticate(signup.access_token)).token.sessionId,
      );
    });

    it('ends the session of a replayed token, says so to the cache at once, and counts it', async () => {
      const { auth, revocations } = fakeServices({ REFRESH_GRACE_SECONDS: '0', REVOCATION_CACHE_TTL_MS: '60000' });
      const signup = await auth.signup(signupInput, CLIENT);
      const pair = await auth.refresh(signup.refresh_token, CLIENT);
      await auth.authenticate(pair.access_token);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await expectAppError(auth.refresh(signup.refresh_token, CLIENT), 'REFRESH_TOKEN_REUSED');
      expect(revocations).to.deep.equal(['refresh_reuse']);
      // The cached "live" answer for the session was replaced, so the access token dies now.
      await expectAppError(auth.authenticate(pair.access_token), 'TOKEN_REVOKED');
    });
  });

  describe('authenticate', () => {
    it('answers USER_NOT_FOUND once the user is gone', async () => {
      const { auth, database } = fakeServices({ REVOCATION_CACHE_TTL_MS: '0' });
      const signup = await auth.signup(signupInput, CLIENT);
      database.tables.users.delete(signup.user.id);
      await expectAppError(auth.authenticate(signup.access_token), 'USER_NOT_FOUND');
    });

    it('answers TOKEN_REVOKED once the session ended or the token version moved past the token', async () => {
      const { auth, database } = fakeServices({ REVOCATION_CACHE_TTL_MS: '0' });
      const first = await auth.signup(signupInput, CLIENT);
      const second = await auth.login({ email: EMAIL, password: PASSWORD }, CLIENT);
      const { sessionId } = (await auth.authenticate(first.access_token)).token;
      for (const row of database.tables.sessions.values()) {
        if (row.familyId === sessionId) row.revokedAt = new Date();
      }
      await expectAppError(auth.authenticate(first.access_token), 'TOKEN_REVOKED');
      await auth.authenticate(second.access_token);
      const user = database.tables.users.get(second.user.id);
      if (user !== undefined) user.tokenVersion = 1;
      await expectAppError(auth.authenticate(second.access_token), 'TOKEN_REVOKED');
    });
  });
});
