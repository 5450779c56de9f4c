import bcrypt from 'bcrypt';
import { expect } from 'chai';
import { User } from '../../src/models';
import { bcryptCompareCosts } from '../support/bcrypt-compares';
import { api, createUser, decode, PASSWORD, uniqueEmail } from '../support/factories';

const INVALID_CREDENTIALS = {
  error: { code: 'INVALID_CREDENTIALS', message: 'Email or password is incorrect.' },
};

describe('POST /auth/login', () => {
  it('returns 200 with the user and a token whose sub is the user id', async () => {
    const { user } = await createUser({ name: 'Grace' });
    const response = await api().post('/auth/login').send({ email: user.email, password: PASSWORD });

    expect(response.status).to.equal(200);
    expect(response.body.user).to.deep.equal({
      id: user.id,
      email: user.email,
      name: 'Grace',
      role: 'user',
      email_verified: false,
      registered_on: user.createdAt.toISOString(),
    });
    expect(response.body.token_type).to.equal('Bearer');
    expect(decode(response.body.access_token).sub).to.equal(String(user.id));
  });

  it('finds the account whatever the case and surrounding spaces of the email', async () => {
    const { user } = await createUser();
    const response = await api()
      .post('/auth/login')
      .send({ email: ` ${user.email.toUpperCase()}`, password: PASSWORD });
    expect(response.status).to.equal(200);
  });

  it('gives two logins in the same second two different tokens', async () => {
    const { user } = await createUser();
    const app = api();
    const [first, second] = await Promise.all([
      app.post('/auth/login').send({ email: user.email, password: PASSWORD }),
      app.post('/auth/login').send({ email: user.email, password: PASSWORD }),
    ]);
    expect(first.body.access_token).to.be.a('string');
    expect(first.body.access_token).to.not.equal(second.body.access_token);
    expect(decode(first.body.access_token).jti).to.not.equal(decode(second.body.access_token).jti);
  });

  it('returns 401 INVALID_CREDENTIALS for a wrong password', async () => {
    const { user } = await createUser();
    const response = await api().post('/auth/login').send({ email: user.email, password: 'wrong password' });
    expect(response.status).to.equal(401);
    expect(response.body).to.deep.equal(INVALID_CREDENTIALS);
  });

  it('returns the same 401 INVALID_CREDENTIALS for an unknown email', async () => {
    const response = await api().post('/auth/login').send({ email: uniqueEmail(), password: PASSWORD });
    expect(response.status).to.equal(401);
    expect(response.body).to.deep.equal(INVALID_CREDENTIALS);
  });

  it('spends one bcrypt compare at the configured cost for an unknown email, as for a known one', async () => {
    const { user } = await createUser();
    const app = api();
    const unknown = await bcryptCompareCosts(() =>
      app.post('/auth/login').send({ email: uniqueEmail(), password: PASSWORD }).expect(401),
    );
    const wrongPassword = await bcryptCompareCosts(() =>
      app.post('/auth/login').send({ email: user.email, password: 'wrong password' }).expect(401),
    );
    // The test config's cost (4) is the stored hash's cost too: the dummy hash costs what a real one does.
    expect(unknown).to.deep.equal([4]);
    expect(wrongPassword).to.deep.equal(unknown);
  });

  it('refuses a password whose first 72 bytes match but which is longer', async () => {
    const password = 'x'.repeat(72);
    const { user } = await createUser({ password });
    const response = await api()
      .post('/auth/login')
      .send({ email: user.email, password: `${password}extra` });
    expect(response.status).to.equal(400);
    expect(response.body.error.details[0].field).to.equal('password');
  });

  it('returns 400 VALIDATION_FAILED for a missing password', async () => {
    const response = await api().post('/auth/login').send({ email: uniqueEmail() });
    expect(response.status).to.equal(400);
    expect(response.body.error).to.deep.equal({
      code: 'VALIDATION_FAILED',
      message: 'The request is not valid.',
      details: [{ field: 'password', message: 'password is required' }],
    });
  });

  it('refuses Unicode spellings of an email, which MySQL would match to the ASCII account', async () => {
    const { user } = await createUser();
    const [local = '', domain = ''] = user.email.split('@');
    for (const variant of [`${local}\u200b@${domain}`, `${local.replace(/^./, '\uff41')}@${domain}`]) {
      const response = await api().post('/auth/login').send({ email: variant, password: PASSWORD });
      expect(response.status, variant).to.equal(400);
      expect(response.body.error.code).to.equal('VALIDATION_FAILED');
      expect(response.body.error.details[0].field).to.equal('email');
    }
  });

  it('returns 400 VALIDATION_FAILED for a null email', async () => {
    const response = await api().post('/auth/login').send({ email: null, password: PASSWORD });
    expect(response.status).to.equal(400);
    expect(response.body.error.details[0].field).to.equal('email');
  });

  it('re-hashes a password stored at another bcrypt cost, and the password still works', async () => {
    const { user } = await createUser();
    expect(bcrypt.getRounds(user.passwordHash ?? '')).to.equal(4);
    const app = api({ BCRYPT_ROUNDS: '5' });

    const first = await app.post('/auth/login').send({ email: user.email, password: PASSWORD });
    const rehashed = await User.findByPk(user.id, { rejectOnEmpty: true });
    const second = await app.post('/auth/login').send({ email: user.email, password: PASSWORD });

    expect(first.status).to.equal(200);
    expect(Object.keys(first.body as object).sort()).to.deep.equal(
      ['access_token', 'expires_in', 'refresh_expires_in', 'refresh_token', 'token_type', 'user'].sort(),
    );
    expect(bcrypt.getRounds(rehashed.passwordHash ?? '')).to.equal(5);
    expect(second.status).to.equal(200);
    expect((await User.findByPk(user.id, { rejectOnEmpty: true })).passwordHash).to.equal(rehashed.passwordHash);
  });

  it('leaves a hash at the configured cost untouched, and never re-hashes on a wrong password', async () => {
    const { user } = await createUser();
    await api().post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
    await api({ BCRYPT_ROUNDS: '5' }).post('/auth/login').send({ email: user.email, password: 'wrong' }).expect(401);
    expect((await User.findByPk(user.id, { rejectOnEmpty: true })).passwordHash).to.equal(user.passwordHash);
  });
});
