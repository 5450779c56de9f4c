import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Account, AuthjsSession } from '../../src/models';
import { startLiveServer, stopLiveServer, type LiveServer } from '../support/adapter';
import { ADAPTER_SECRET } from '../support/config';
import { uniqueEmail } from '../support/factories';
import { DEFAULT_ROUTES, RestAdapter, type RestAdapterRoutes } from '../support/original-rest-adapter';

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe('the original RestAdapter (axios), configured with absolute route URLs, against /adapter', () => {
  let live: LiveServer;
  let adapter: ReturnType<typeof RestAdapter>;

  before(async () => {
    live = await startLiveServer();
    // Axios ignores its base URL (`…/auth`) for an absolute route URL: that is how it reaches /adapter.
    const routes = Object.fromEntries(
      Object.entries(DEFAULT_ROUTES).map(([operation, path]) => [operation, `${live.url}/adapter${path}`]),
    ) as unknown as RestAdapterRoutes;
    adapter = RestAdapter({ backendUrl: live.url, secret: ADAPTER_SECRET, routes });
  });
  after(() => stopLiveServer(live));

  it('creates, reads, finds by email, updates and deletes a user; misses are null', async () => {
    const sent = { name: 'Fill Murray', email: uniqueEmail(), emailVerified: null, image: null };
    const user = await adapter.createUser(sent);
    expect(user).to.deep.equal({ ...sent, id: user?.id });
    const id = String(user?.id);
    expect(await adapter.getUser(id)).to.deep.equal(user);
    expect(await adapter.getUserByEmail(sent.email)).to.deep.equal(user);
    expect(await adapter.updateUser({ ...user, name: 'Bill' })).to.deep.equal({ ...user, name: 'Bill' });
    await adapter.deleteUser(id);
    expect(await adapter.getUser(id)).to.equal(null);
    expect(await adapter.getUserByEmail(sent.email)).to.equal(null);
  });

  it('links, finds by and unlinks an account (expires_at through its parseInt)', async () => {
    const user = await adapter.createUser({ email: uniqueEmail() });
    const account = {
      userId: user?.id,
      type: 'oauth',
      provider: 'github',
      providerAccountId: randomUUID(),
      access_token: 'access',
      expires_at: 1_900_000_000,
      token_type: 'bearer',
    };
    expect(await adapter.linkAccount(account)).to.deep.equal(account);
    const key = { provider: 'github', providerAccountId: account.providerAccountId };
    expect(await adapter.getUserByAccount(key)).to.deep.equal(user);
    await adapter.unlinkAccount(key);
    expect(await adapter.getUserByAccount(key)).to.equal(null);
    expect(await Account.count({ where: { userId: Number(user?.id) } })).to.equal(0);
    // An account without expires_at: its parseInt sends null, which the server accepts.
    const bare = { userId: user?.id, type: 'oauth', provider: 'gitlab', providerAccountId: randomUUID() };
    expect(await adapter.linkAccount(bare)).to.deep.equal({ ...bare, expires_at: null });
  });

  it('creates, reads (session, then user), updates and deletes a session', async () => {
    const user = await adapter.createUser({ email: uniqueEmail() });
    const sessionToken = randomUUID();
    const session = { sessionToken, userId: user?.id, expires: inAnHour() };
    expect(await adapter.createSession(session)).to.deep.equal(session);
    expect(await adapter.getSessionAndUser(sessionToken)).to.deep.equal({ session, user });
    const later = new Date(Date.now() + 7_200_000).toISOString();
    expect(await adapter.updateSession({ ...session, expires: later })).to.deep.equal({ ...session, expires: later });
    await adapter.deleteSession(sessionToken);
    expect(await adapter.getSessionAndUser(sessionToken)).to.equal(null);
    expect(await AuthjsSession.count({ where: { userId: Number(user?.id) } })).to.equal(0);
  });

  it('uses a verification token once', async () => {
    const token = { identifier: uniqueEmail(), token: randomUUID(), expires: inAnHour() };
    expect(await adapter.createVerificationToken(token)).to.deep.equal(token);
    const use = { identifier: token.identifier, token: token.token };
    expect(await adapter.useVerificationToken(use)).to.deep.equal(token);
    expect(await adapter.useVerificationToken(use)).to.equal(null);
  });

  it('deleting the user deletes its sessions and accounts', async () => {
    const user = await adapter.createUser({ email: uniqueEmail() });
    const sessionToken = randomUUID();
    await adapter.createSession({ sessionToken, userId: user?.id, expires: inAnHour() });
    await adapter.linkAccount({ userId: user?.id, type: 'oauth', provider: 'github', providerAccountId: randomUUID() });
    await adapter.deleteUser(String(user?.id));
    expect(await adapter.getSessionAndUser(sessionToken)).to.equal(null);
    expect(await Account.count({ where: { userId: Number(user?.id) } })).to.equal(0);
  });
});
