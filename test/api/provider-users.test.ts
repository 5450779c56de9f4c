import { expect } from 'chai';
import { User } from '../../src/models';
import { bcryptCompareCosts } from '../support/bcrypt-compares';
import { api, loggedInUser, PASSWORD, uniqueEmail } from '../support/factories';

/** A user as a provider sign-in creates one: no password, and here no name either. */
function createProviderUser() {
  return User.create({ email: uniqueEmail(), passwordHash: null, name: null });
}

describe('users who sign in only through a provider (no password, maybe no name)', () => {
  it('cannot log in by password: 401 INVALID_CREDENTIALS after the same bcrypt work as an unknown email', async () => {
    const user = await createProviderUser();
    const app = api();
    const unknown = await bcryptCompareCosts(() =>
      app.post('/auth/login').send({ email: uniqueEmail(), password: PASSWORD }).expect(401),
    );
    let answer: { code?: string } = {};
    const providerOnly = await bcryptCompareCosts(async () => {
      const response = await app.post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(401);
      answer = (response.body as { error: { code: string } }).error;
    });
    expect(answer.code).to.equal('INVALID_CREDENTIALS');
    expect(providerOnly).to.deep.equal(unknown);
  });

  it('is stored with a null password hash and a null name, and keeps them', async () => {
    const user = await createProviderUser();
    const row = await User.findByPk(user.id, { rejectOnEmpty: true });
    expect(row.passwordHash).to.equal(null);
    expect(row.name).to.equal(null);
    expect(row.emailVerified).to.equal(null);
    expect(row.image).to.equal(null);
  });

  it('shows a null name in GET /auth/user, and has no current password to change', async () => {
    const { user, accessToken } = await loggedInUser();
    // As if the account had been created by a provider sign-in.
    await User.update({ passwordHash: null, name: null }, { where: { id: user.id } });
    const app = api();

    const shown = await app.get('/auth/user').set('Authorization', `Bearer ${accessToken}`);
    expect(shown.status).to.equal(200);
    expect(shown.body.user).to.include({ id: user.id, email: user.email, name: null });

    const change = await app
      .post('/auth/password')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({ current_password: PASSWORD, new_password: 'a brand new password' });
    expect(change.body.error.code).to.equal('PASSWORD_INCORRECT');
    const row = await User.findByPk(user.id, { rejectOnEmpty: true });
    expect(row.passwordHash).to.equal(null);
  });
});
