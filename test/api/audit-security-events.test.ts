import { expect } from 'chai';
import { Account, AuditEvent, User } from '../../src/models';
import { ADAPTER_SECRET } from '../support/config';
import { api, createUser, loggedInUser, uniqueEmail } from '../support/factories';
import { startTestInbox, tokenInMail, type TestInbox } from '../support/smtp';

const VERIFY_LINK = 'https://front.example.test/verify';

/** The audit entries about `userId` with `action`, as actor and changes, oldest first. */
async function entries(userId: number, action: string) {
  const rows = await AuditEvent.findAll({ where: { targetUserId: userId, action }, order: [['id', 'ASC']], raw: true });
  return rows.map(({ actorId, changes }) => ({ actorId, changes }));
}

describe('audit log: the security events of the newer routes', () => {
  let inbox: TestInbox;
  let app: ReturnType<typeof api>;
  const adapter = (method: 'post' | 'patch' | 'delete', path: string) =>
    app[method](`/adapter${path}`).set('X-Auth-Secret', ADAPTER_SECRET);

  before(async () => {
    inbox = await startTestInbox();
    app = api({ SMTP_URL: inbox.url, EMAIL_VERIFY_URL: `${VERIFY_LINK}?token={token}` });
  });

  after(() => inbox.close());

  it('records account.unlinked when a user unlinks a provider from their account', async () => {
    const { user, accessToken } = await loggedInUser();
    await Account.create({ userId: user.id, type: 'oidc', provider: 'audited', providerAccountId: `sub-${user.id}` });
    await app.delete('/auth/accounts/audited').set('Authorization', `Bearer ${accessToken}`).expect(200);
    expect(await entries(user.id, 'account.unlinked')).to.deep.equal([
      { actorId: user.id, changes: { provider: 'audited' } },
    ]);
  });

  it('records account.linked and account.unlinked for links the Auth.js adapter makes and removes', async () => {
    const { user } = await createUser();
    const key = { provider: 'authjs-audited', providerAccountId: `account-${user.id}` };
    await adapter('post', '/users/accounts')
      .send({ userId: String(user.id), type: 'oauth', ...key })
      .expect(200);
    // A link that is there already adds no second entry.
    await adapter('post', '/users/accounts')
      .send({ userId: String(user.id), type: 'oauth', ...key })
      .expect(409);
    await adapter('delete', `/users/accounts/${key.provider}/${key.providerAccountId}`).expect(204);
    await adapter('delete', `/users/accounts/${key.provider}/${key.providerAccountId}`).expect(204);
    expect(await entries(user.id, 'account.linked')).to.deep.equal([
      { actorId: null, changes: { provider: key.provider } },
    ]);
    expect(await entries(user.id, 'account.unlinked')).to.deep.equal([
      { actorId: null, changes: { provider: key.provider } },
    ]);
  });

  it("records user.updated when the Auth.js adapter changes a user's email or name", async () => {
    const { user } = await createUser({ name: 'Before' });
    const email = uniqueEmail();
    await adapter('patch', '/users')
      .send({ id: String(user.id), email, name: 'After' })
      .expect(200);
    // Nothing changed: nothing recorded.
    await adapter('patch', '/users')
      .send({ id: String(user.id), email })
      .expect(200);
    expect(await entries(user.id, 'user.updated')).to.deep.equal([
      {
        actorId: null,
        changes: { email: { from: user.email, to: email }, name: { from: 'Before', to: 'After' } },
      },
    ]);
  });

  it('records email.verified when a verification link is used', async () => {
    const { user, accessToken } = await loggedInUser();
    await app.post('/auth/email/verify/request').set('Authorization', `Bearer ${accessToken}`).expect(202);
    const token = tokenInMail(await inbox.mailTo(user.email, VERIFY_LINK), VERIFY_LINK);
    await app.post('/auth/email/verify').send({ token }).expect(200);
    await app.post('/auth/email/verify').send({ token }).expect(400);
    expect(await entries(user.id, 'email.verified')).to.deep.equal([
      { actorId: user.id, changes: { email: user.email } },
    ]);
    expect((await User.findByPk(user.id))?.emailVerified).to.be.instanceOf(Date);
  });
});
