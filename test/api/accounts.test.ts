import { expect } from 'chai';
import { Account, User } from '../../src/models';
import { api, loggedInUser } from '../support/factories';

const bearer = (token: string) => `Bearer ${token}`;

/** Links the user to an account at `provider`, as a sign-in there would have. */
const link = (userId: number, provider: string) =>
  Account.create({ userId, type: 'oidc', provider, providerAccountId: `sub-${provider}-${userId}` });

describe('GET /auth/accounts', () => {
  it("lists the caller's linked providers, oldest first, and no one else's", async () => {
    const { user, accessToken } = await loggedInUser();
    const other = await loggedInUser();
    await link(user.id, 'github');
    await link(user.id, 'google');
    await link(other.user.id, 'gitlab');
    const response = await api().get('/auth/accounts').set('Authorization', bearer(accessToken));
    expect(response.status).to.equal(200);
    expect(response.body.accounts.map((account: { provider: string }) => account.provider)).to.deep.equal([
      'github',
      'google',
    ]);
    expect(response.body.accounts[0]).to.have.keys('provider', 'type', 'linked_at');
  });

  it('answers 401 without a token', async () => {
    const response = await api().get('/auth/accounts');
    expect(response.status).to.equal(401);
    expect(response.body.error.code).to.equal('UNAUTHENTICATED');
  });
});

describe('DELETE /auth/accounts/:provider', () => {
  it('unlinks a provider of a user who has a password', async () => {
    const { user, accessToken } = await loggedInUser();
    await link(user.id, 'google');
    const response = await api().delete('/auth/accounts/google').set('Authorization', bearer(accessToken));
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ message: 'Account unlinked' });
    expect(await Account.count({ where: { userId: user.id } })).to.equal(0);
  });

  it('unlinks one of two providers of a user without a password', async () => {
    const { user, accessToken } = await loggedInUser();
    await link(user.id, 'google');
    await link(user.id, 'github');
    await User.update({ passwordHash: null }, { where: { id: user.id } });
    const response = await api().delete('/auth/accounts/google').set('Authorization', bearer(accessToken));
    expect(response.status).to.equal(200);
    expect(await Account.count({ where: { userId: user.id } })).to.equal(1);
  });

  it('answers 409 LAST_SIGN_IN_METHOD for the only provider of a user without a password, and keeps it', async () => {
    const { user, accessToken } = await loggedInUser();
    await link(user.id, 'google');
    await User.update({ passwordHash: null }, { where: { id: user.id } });
    const response = await api().delete('/auth/accounts/google').set('Authorization', bearer(accessToken));
    expect(response.status).to.equal(409);
    expect(response.body.error.code).to.equal('LAST_SIGN_IN_METHOD');
    expect(await Account.count({ where: { userId: user.id } })).to.equal(1);
  });

  it('lets only one of two concurrent unlinks of the last two providers through', async () => {
    const { user, accessToken } = await loggedInUser();
    await link(user.id, 'google');
    await link(user.id, 'github');
    await User.update({ passwordHash: null }, { where: { id: user.id } });
    const answers = await Promise.all(
      ['google', 'github'].map((provider) =>
        api().delete(`/auth/accounts/${provider}`).set('Authorization', bearer(accessToken)),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).to.deep.equal([200, 409]);
    expect(await Account.count({ where: { userId: user.id } })).to.equal(1);
  });

  it("answers 404 ACCOUNT_NOT_FOUND for a provider not linked to the caller (another user's included)", async () => {
    const { accessToken } = await loggedInUser();
    const other = await loggedInUser();
    await link(other.user.id, 'google');
    const response = await api().delete('/auth/accounts/google').set('Authorization', bearer(accessToken));
    expect(response.status).to.equal(404);
    expect(response.body.error.code).to.equal('ACCOUNT_NOT_FOUND');
    expect(await Account.count({ where: { userId: other.user.id } })).to.equal(1);
  });
});
