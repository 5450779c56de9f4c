import { randomUUID } from 'node:crypto';
import type { AdapterAccount } from '@auth/core/adapters';
import type { AuthServerAdapter } from '../../clients/authjs/src';
import { expect } from 'chai';
import { Account, AuthjsSession, Authenticator, VerificationToken } from '../../src/models';
import { tokenHash } from '../../src/services/token-hash';
import { adapterFor, authjsUser, startLiveServer, stopLiveServer, userRow, type LiveServer } from '../support/adapter';
import { uniqueEmail } from '../support/factories';

function oauthAccount(userId: string): AdapterAccount {
  return {
    userId,
    type: 'oauth',
    provider: 'github',
    providerAccountId: randomUUID(),
    refresh_token: 'refresh-token',
    access_token: 'access-token',
    expires_at: 1_900_000_000,
    token_type: 'bearer',
    scope: 'read:user',
    id_token: 'id-token',
    session_state: 'state',
    // Fields a provider adds, kept as given.
    refresh_token_expires_in: 15_897_600,
    custom_note: 'kept',
  };
}

/** A passkey of the user's, as Auth.js hands it to createAuthenticator. */
const passkey = (userId: string, providerAccountId: string, credentialID: string) => ({
  credentialID,
  userId,
  providerAccountId,
  credentialPublicKey: 'key',
  counter: 0,
  credentialDeviceType: 'multiDevice',
  credentialBackedUp: true,
});

const inAnHour = () => new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);

describe('clients/authjs: the behaviours of the Auth.js adapter test suite, against the live server', () => {
  let live: LiveServer;
  let adapter: AuthServerAdapter;

  before(async () => {
    live = await startLiveServer();
    adapter = adapterFor(live);
  });
  after(() => stopLiveServer(live));

  it('createUser stores a user without a password and answers every AdapterUser field as sent', async () => {
    const sent = authjsUser();
    const user = await adapter.createUser(sent);
    expect(user.id).to.match(/^[1-9][0-9]*$/);
    expect({ ...user, id: sent.id }).to.deep.equal(sent);
    const row = await userRow(user.id);
    expect(row?.passwordHash).to.equal(null);
    expect(row?.emailVerified?.toISOString()).to.equal(sent.emailVerified.toISOString());
  });

  it('getUser, getUserByEmail: the user, or null for a miss (also an id that is not ours)', async () => {
    const user = await adapter.createUser(authjsUser());
    expect(await adapter.getUser(user.id)).to.deep.equal(user);
    expect(await adapter.getUserByEmail(user.email)).to.deep.equal(user);
    expect(await adapter.getUser('999999999')).to.equal(null);
    expect(await adapter.getUser(randomUUID())).to.equal(null);
    expect(await adapter.getUserByEmail(uniqueEmail())).to.equal(null);
  });

  it('createUser with the email of an existing user throws EMAIL_TAKEN', async () => {
    const user = await adapter.createUser(authjsUser());
    const error = await Promise.resolve(adapter.createUser({ ...authjsUser(), email: user.email })).catch(String);
    expect(error).to.include('EMAIL_TAKEN');
  });

  it('updateUser changes the fields sent and keeps the others', async () => {
    const user = await adapter.createUser({ ...authjsUser(), emailVerified: null });
    const verifiedAt = new Date('2026-12-01T10:00:00.000Z');
    const updated = await adapter.updateUser({ id: user.id, name: 'Bill Murray', emailVerified: verifiedAt });
    expect(updated).to.deep.equal({ ...user, name: 'Bill Murray', emailVerified: verifiedAt });
    expect(await adapter.getUser(user.id)).to.deep.equal(updated);
  });

  it('linkAccount, getUserByAccount, getAccount: every account field round-trips; unlinkAccount keeps the user', async () => {
    const user = await adapter.createUser(authjsUser());
    const account = oauthAccount(user.id);
    expect(await adapter.linkAccount(account)).to.deep.equal(account);
    const key = { provider: account.provider, providerAccountId: account.providerAccountId };
    expect(await adapter.getUserByAccount(key)).to.deep.equal(user);
    expect(await adapter.getAccount(account.providerAccountId, account.provider)).to.deep.equal(account);

    await adapter.unlinkAccount(key);
    expect(await adapter.getUserByAccount(key)).to.equal(null);
    expect(await adapter.getAccount(account.providerAccountId, account.provider)).to.equal(null);
    expect(await adapter.getUser(user.id)).to.deep.equal(user);
  });

  it('linkAccount keeps null where null was sent, and nothing where nothing was', async () => {
    const user = await adapter.createUser(authjsUser());
    const account: AdapterAccount = {
      userId: user.id,
      type: 'oidc',
      provider: 'google',
      providerAccountId: randomUUID(),
      refresh_token: null as unknown as string,
      access_token: 'only-this',
    };
    await adapter.linkAccount(account);
    expect(await adapter.getAccount(account.providerAccountId, account.provider)).to.deep.equal(account);
  });

  it('linkAccount of an account already linked throws ADAPTER_CONFLICT; to an unknown user ADAPTER_USER_NOT_FOUND', async () => {
    const user = await adapter.createUser(authjsUser());
    const account = oauthAccount(user.id);
    await adapter.linkAccount(account);
    const errors = await Promise.all([
      Promise.resolve(adapter.linkAccount(account)).catch(String),
      Promise.resolve(adapter.linkAccount({ ...oauthAccount('999999999') })).catch(String),
    ]);
    expect(errors[0]).to.include('ADAPTER_CONFLICT');
    expect(errors[1]).to.include('ADAPTER_USER_NOT_FOUND');
  });

  it('createSession, getSessionAndUser, updateSession, deleteSession; the token is stored as its SHA-256 only', async () => {
    const user = await adapter.createUser(authjsUser());
    const sessionToken = randomUUID();
    const expires = inAnHour();
    const session = await adapter.createSession({ sessionToken, userId: user.id, expires });
    expect(session).to.deep.equal({ sessionToken, userId: user.id, expires });
    const row = await AuthjsSession.findOne({ where: { userId: Number(user.id) }, raw: true });
    expect(row?.sessionTokenHash).to.equal(tokenHash(sessionToken));
    expect(JSON.stringify(row)).to.not.include(sessionToken);

    expect(await adapter.getSessionAndUser(sessionToken)).to.deep.equal({ session, user });
    const later = new Date(expires.getTime() + 86_400_000);
    expect(await adapter.updateSession({ sessionToken, expires: later })).to.deep.equal({
      ...session,
      expires: later,
    });
    expect((await adapter.getSessionAndUser(sessionToken))?.session.expires).to.deep.equal(later);

    await adapter.deleteSession(sessionToken);
    expect(await adapter.getSessionAndUser(sessionToken)).to.equal(null);
    expect(await adapter.updateSession({ sessionToken, expires: later })).to.equal(null);
  });

  it('getSessionAndUser answers null for an expired session and for a disabled user', async () => {
    const user = await adapter.createUser(authjsUser());
    const expired = randomUUID();
    await adapter.createSession({ sessionToken: expired, userId: user.id, expires: new Date(Date.now() - 1000) });
    expect(await adapter.getSessionAndUser(expired)).to.equal(null);

    const live = randomUUID();
    await adapter.createSession({ sessionToken: live, userId: user.id, expires: inAnHour() });
    expect(await adapter.getSessionAndUser(live)).to.not.equal(null);
    await (await userRow(user.id))?.update({ disabledAt: new Date() });
    expect(await adapter.getSessionAndUser(live)).to.equal(null);
  });

  it('createVerificationToken, useVerificationToken: the token once, then null; stored hashed', async () => {
    const identifier = uniqueEmail();
    const token = randomUUID();
    const expires = inAnHour();
    expect(await adapter.createVerificationToken({ identifier, token, expires })).to.deep.equal({
      identifier,
      token,
      expires,
    });
    const row = await VerificationToken.findOne({ where: { identifier }, raw: true });
    expect(row?.tokenHash).to.equal(tokenHash(token));

    expect(await adapter.useVerificationToken({ identifier: uniqueEmail(), token })).to.equal(null);
    expect(await adapter.useVerificationToken({ identifier, token })).to.deep.equal({
      identifier,
      token,
      expires,
    });
    expect(await adapter.useVerificationToken({ identifier, token })).to.equal(null);
  });

  it('useVerificationToken: of concurrent uses of one token, exactly one gets it', async () => {
    const identifier = uniqueEmail();
    const token = randomUUID();
    await adapter.createVerificationToken({ identifier, token, expires: inAnHour() });
    const uses = await Promise.all(
      Array.from({ length: 5 }, () => Promise.resolve(adapter.useVerificationToken({ identifier, token }))),
    );
    expect(uses.filter((use) => use !== null)).to.have.length(1);
  });

  it('authenticators: create, get, list by user, update the counter', async () => {
    const user = await adapter.createUser(authjsUser());
    const authenticator = {
      credentialID: randomUUID(),
      userId: user.id,
      providerAccountId: randomUUID(),
      credentialPublicKey: 'pQECAyYgASFYIK',
      counter: 0,
      credentialDeviceType: 'singleDevice',
      credentialBackedUp: false,
      transports: 'internal,hybrid',
    };
    expect(await adapter.createAuthenticator(authenticator)).to.deep.equal(authenticator);
    expect(await adapter.getAuthenticator(authenticator.credentialID)).to.deep.equal(authenticator);
    expect(await adapter.listAuthenticatorsByUserId(user.id)).to.deep.equal([authenticator]);
    expect(await adapter.updateAuthenticatorCounter(authenticator.credentialID, 7)).to.deep.equal({
      ...authenticator,
      counter: 7,
    });
    expect(await adapter.getAuthenticator(randomUUID())).to.equal(null);
    expect(await adapter.listAuthenticatorsByUserId('999999999')).to.deep.equal([]);
    const missing = await Promise.resolve(adapter.updateAuthenticatorCounter(randomUUID(), 1)).catch(String);
    expect(missing).to.include('AUTHENTICATOR_NOT_FOUND');
  });

  it('finds, uses and deletes only the exact key: never one that merely collates equal (accents, width, spaces)', async () => {
    const user = await adapter.createUser({ ...authjsUser(), email: `kate.${randomUUID()}@example.com` });
    const [local = '', domain = ''] = user.email.split('@');
    const lookAlikes = [
      `${local}@${domain.replace('example', 'exämple')}`,
      `${local}@${domain.replace('example', 'ｅｘａｍｐｌｅ')}`,
      `${local.replace('k', '\u212a')}@${domain}`,
      `${user.email} `,
      `${user.email.toUpperCase()}\u00a0`,
    ];
    for (const email of lookAlikes) expect(await adapter.getUserByEmail(email), email).to.equal(null);
    expect(await adapter.getUserByEmail(user.email.toUpperCase())).to.deep.equal(user);

    const account = oauthAccount(user.id);
    await adapter.linkAccount(account);
    const padded = { provider: `${account.provider} `, providerAccountId: `${account.providerAccountId}  ` };
    for (const key of [padded, { ...padded, provider: account.provider }]) {
      expect(await adapter.getUserByAccount(key), JSON.stringify(key)).to.equal(null);
      expect(await adapter.getAccount(key.providerAccountId, key.provider)).to.equal(null);
      await adapter.unlinkAccount(key);
    }
    expect(await Account.count({ where: { providerAccountId: account.providerAccountId } })).to.equal(1);

    const token = randomUUID();
    await adapter.createVerificationToken({ identifier: user.email, token, expires: inAnHour() });
    expect(await adapter.useVerificationToken({ identifier: `${user.email} `, token })).to.equal(null);
    expect(await VerificationToken.count({ where: { tokenHash: tokenHash(token) } })).to.equal(1);

    const credentialID = randomUUID();
    await adapter.createAuthenticator({ ...passkey(user.id, account.providerAccountId, credentialID), counter: 3 });
    expect(await adapter.getAuthenticator(`${credentialID} `)).to.equal(null);
    const padding = await Promise.resolve(adapter.updateAuthenticatorCounter(`${credentialID} `, 99)).catch(String);
    expect(padding).to.include('AUTHENTICATOR_NOT_FOUND');
    expect((await adapter.getAuthenticator(credentialID))?.counter).to.equal(3);
  });

  it('deleteUser removes the user with its accounts, sessions, verification tokens and authenticators', async () => {
    const user = await adapter.createUser(authjsUser());
    const account = oauthAccount(user.id);
    await adapter.linkAccount(account);
    const sessionToken = randomUUID();
    await adapter.createSession({ sessionToken, userId: user.id, expires: inAnHour() });
    await adapter.createVerificationToken({ identifier: user.email, token: randomUUID(), expires: inAnHour() });
    const credentialID = randomUUID();
    await adapter.createAuthenticator(passkey(user.id, account.providerAccountId, credentialID));

    await adapter.deleteUser(user.id);

    expect(await adapter.getUser(user.id)).to.equal(null);
    expect(await adapter.getSessionAndUser(sessionToken)).to.equal(null);
    const userId = Number(user.id);
    expect(await Account.count({ where: { userId } })).to.equal(0);
    expect(await AuthjsSession.count({ where: { userId } })).to.equal(0);
    expect(await Authenticator.count({ where: { userId } })).to.equal(0);
    expect(await VerificationToken.count({ where: { identifier: user.email } })).to.equal(0);
    // Deleting again is no error.
    await adapter.deleteUser(user.id);
  });

  it('never lets a "." or ".." value leave its path segment: the URL would resolve it into another route', async () => {
    const victim = await adapter.createUser(authjsUser());
    // `/users/accounts/../<id>` is `/users/<id>` once the URL is parsed: another user, or their deletion.
    const dotted = { provider: '..', providerAccountId: victim.id };
    const outcomes = await Promise.allSettled([
      adapter.getUserByAccount(dotted),
      adapter.unlinkAccount(dotted),
      adapter.getAccount(victim.id, '..'),
      adapter.getSessionAndUser('..'),
      adapter.deleteSession('.'),
      adapter.getUser('..'),
      adapter.getAuthenticator('..'),
      adapter.listAuthenticatorsByUserId('..'),
    ]);
    for (const outcome of outcomes) {
      expect(outcome.status).to.equal('rejected');
      if (outcome.status === 'rejected') expect(String(outcome.reason)).to.include('PATH_SEGMENT_INVALID');
    }
    expect(await adapter.getUser(victim.id)).to.deep.equal(victim);
  });
});
