import bcrypt from 'bcrypt';
import { expect } from 'chai';
import { User } from '../../src/models';
import { bearer, loggedInAs } from '../support/admins';
import { ADAPTER_SECRET } from '../support/config';
import { api, createUser, decode, PASSWORD, uniqueEmail } from '../support/factories';
import { expectOurError, rawServerPerSuite, send } from '../support/raw-http';

interface SessionBody {
  user: { id: number; email: string; name: string; role: string; email_verified: boolean; registered_on: string };
  access_token: string;
  token_type: string;
  expires_in: number;
}

describe('POST /auth/signup', () => {
  it('returns 201 with the user and a Bearer token, and stores a bcrypt hash', async () => {
    const email = uniqueEmail();
    const response = await api().post('/auth/signup').send({ email, password: PASSWORD, name: 'Ada' });

    expect(response.status).to.equal(201);
    const body = response.body as SessionBody;
    expect(Object.keys(body).sort()).to.deep.equal([
      'access_token',
      'expires_in',
      'refresh_expires_in',
      'refresh_token',
      'token_type',
      'user',
    ]);
    expect(body.token_type).to.equal('Bearer');
    expect(body.expires_in).to.equal(900);
    expect(Object.keys(body.user).sort()).to.deep.equal([
      'email',
      'email_verified',
      'id',
      'name',
      'registered_on',
      'role',
    ]);
    expect(body.user).to.include({ email, name: 'Ada', role: 'user' });
    expect(new Date(body.user.registered_on).toISOString()).to.equal(body.user.registered_on);

    const row = await User.findByPk(body.user.id, { rejectOnEmpty: true });
    expect(row.passwordHash).to.not.equal(PASSWORD);
    expect(await bcrypt.compare(PASSWORD, row.passwordHash ?? '')).to.equal(true);
    expect(row.createdAt.toISOString()).to.equal(body.user.registered_on);
  });

  it('issues a token with sub, jti, iat and exp', async () => {
    const response = await api().post('/auth/signup').send({ email: uniqueEmail(), password: PASSWORD, name: 'Ada' });
    const claims = decode((response.body as SessionBody).access_token);

    expect(claims.sub).to.equal(String((response.body as SessionBody).user.id));
    expect(claims.jti).to.be.a('string').with.length.of.at.least(22);
    expect(Number(claims.exp) - Number(claims.iat)).to.equal(900);
  });

  it('adds iss and aud when they are configured', async () => {
    const response = await api({ JWT_ISSUER: 'https://auth.example', JWT_AUDIENCE: 'shop' })
      .post('/auth/signup')
      .send({ email: uniqueEmail(), password: PASSWORD, name: 'Ada' });
    expect(decode((response.body as SessionBody).access_token)).to.include({
      iss: 'https://auth.example',
      aud: 'shop',
    });
  });

  it('trims and lower-cases the email before storing it', async () => {
    const email = uniqueEmail();
    const response = await api()
      .post('/auth/signup')
      .send({ email: `  ${email.toUpperCase()} `, password: PASSWORD, name: '  Ada  ' });

    expect(response.status).to.equal(201);
    expect((response.body as SessionBody).user).to.include({ email, name: 'Ada' });
    expect(await User.count({ where: { email } })).to.equal(1);
  });

  it('rejects an unknown field such as role with 400, so signup can never make an admin', async () => {
    const email = uniqueEmail();
    const response = await api().post('/auth/signup').send({ email, password: PASSWORD, name: 'Eve', role: 'admin' });

    expect(response.status).to.equal(400);
    expect(response.body.error.code).to.equal('VALIDATION_FAILED');
    expect(response.body.error.details).to.deep.equal([{ field: 'role', message: 'role is not allowed' }]);
    expect(await User.count({ where: { email } })).to.equal(0);
  });

  it('returns 409 EMAIL_TAKEN for an existing email in another letter case', async () => {
    const email = uniqueEmail();
    await api().post('/auth/signup').send({ email, password: PASSWORD, name: 'Ada' }).expect(201);
    const response = await api()
      .post('/auth/signup')
      .send({ email: email.toUpperCase(), password: PASSWORD, name: 'B' });

    expect(response.status).to.equal(409);
    expect(response.body).to.deep.equal({
      error: { code: 'EMAIL_TAKEN', message: 'An account with this email already exists.' },
    });
  });

  it('lets exactly one of 12 concurrent signups of one email win; the rest get 409', async () => {
    const email = uniqueEmail();
    const app = api();
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => app.post('/auth/signup').send({ email, password: PASSWORD, name: 'Racer' })),
    );

    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).to.deep.equal([201, ...Array<number>(11).fill(409)]);
    expect(await User.count({ where: { email } })).to.equal(1);
  });

  const invalidBodies: Array<[string, unknown, string]> = [
    ['an empty object', {}, 'email'],
    ['a JSON array', [1, 2], 'body'],
    ['JSON null', null, 'body'],
    ['a missing password', { email: 'a@example.com', name: 'A' }, 'password'],
    ['a null name', { email: 'a@example.com', password: PASSWORD, name: null }, 'name'],
    ['a numeric password', { email: 'a@example.com', password: 12345678, name: 'A' }, 'password'],
    ['an empty email', { email: '', password: PASSWORD, name: 'A' }, 'email'],
    ['an email without a domain', { email: 'someone', password: PASSWORD, name: 'A' }, 'email'],
    ['an accented email', { email: 'alicé@example.com', password: PASSWORD, name: 'A' }, 'email'],
    ['a full-width email', { email: '\uff41lice@example.com', password: PASSWORD, name: 'A' }, 'email'],
    [
      'an email over 254 characters',
      { email: `${'a'.repeat(250)}@example.com`, password: PASSWORD, name: 'A' },
      'email',
    ],
    ['a password of 7 bytes', { email: 'a@example.com', password: 'short12', name: 'A' }, 'password'],
    ['a password of 73 bytes', { email: 'a@example.com', password: 'p'.repeat(73), name: 'A' }, 'password'],
    [
      'a password of 37 characters but 74 UTF-8 bytes',
      { email: 'a@example.com', password: 'é'.repeat(37), name: 'A' },
      'password',
    ],
    ['a password with a NUL byte', { email: 'a@example.com', password: 'password\u0000tail', name: 'A' }, 'password'],
    ['a password of lone surrogates', { email: 'a@example.com', password: '\ud800'.repeat(10), name: 'A' }, 'password'],
    ['a name with a lone surrogate', { email: 'a@example.com', password: PASSWORD, name: 'Ada \udfff' }, 'name'],
    ['a blank name', { email: 'a@example.com', password: PASSWORD, name: '   ' }, 'name'],
    ['a name of 101 characters', { email: 'a@example.com', password: PASSWORD, name: 'n'.repeat(101) }, 'name'],
  ];
  for (const [label, body, field] of invalidBodies) {
    it(`returns 400 VALIDATION_FAILED naming ${field} for ${label}`, async () => {
      const response = await api()
        .post('/auth/signup')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));

      expect(response.status).to.equal(400);
      expect(response.body.error.code).to.equal('VALIDATION_FAILED');
      expect(response.body.error.details.map((detail: { field: string }) => detail.field)).to.include(field);
    });
  }

  it('accepts a password of exactly 72 bytes', async () => {
    const response = await api()
      .post('/auth/signup')
      .send({ email: uniqueEmail(), password: 'é'.repeat(36), name: 'A' });
    expect(response.status).to.equal(201);
  });

  it('lists every bad field at once', async () => {
    const response = await api().post('/auth/signup').send({ email: 'nope', password: 'x', name: '' });
    const fields = response.body.error.details.map((detail: { field: string }) => detail.field);
    expect(fields).to.have.members(['email', 'password', 'name']);
  });
});

describe('a JSON body with a string that is not well-formed Unicode, on any route', () => {
  it('is 400 VALIDATION_FAILED naming the field: "\\ud800…" and "\\udfff…" never become one password', async () => {
    const app = api();
    const email = uniqueEmail();
    const password = '\ud800'.repeat(10);
    await app.post('/auth/signup').send({ email, password: PASSWORD, name: 'Ada' }).expect(201);
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['/auth/login', { email, password }, 'password'],
      ['/auth/password/reset', { token: 'x'.repeat(43), new_password: password }, 'new_password'],
      ['/auth/refresh', { refresh_token: `token\ud800` }, 'refresh_token'],
      ['/auth/signup', { email: uniqueEmail(), password: PASSWORD, name: 'A', ['k\udc00']: 1 }, 'k\ufffd'],
    ];
    for (const [path, body, field] of cases) {
      const response = await app.post(path).set('Content-Type', 'application/json').send(JSON.stringify(body));
      expect(response.status, path).to.equal(400);
      expect(response.body.error.code, path).to.equal('VALIDATION_FAILED');
      expect(
        response.body.error.details.map((detail: { field: string }) => detail.field),
        path,
      ).to.include(field);
    }
    // The real password still works, and the look-alike made of other lone surrogates never did.
    await app.post('/auth/login').send({ email, password: PASSWORD }).expect(200);
  });
});

describe('a JSON body whose bytes are not UTF-8, on any route', () => {
  const server = rawServerPerSuite();

  /** POSTs `body` as it is: supertest would serialise a Buffer as JSON. */
  const post = (path: string, body: Buffer) =>
    send(server(), {
      method: 'POST',
      path,
      headers: [
        ['Host', 'localhost'],
        ['Content-Type', 'application/json'],
        ['Content-Length', String(body.length)],
      ],
      body,
    });

  it('is 400 INVALID_JSON: bytes that are not UTF-8 never turn into U+FFFD, so "\\xff\\xfe" and "\\xc0\\x80" are not one password', async () => {
    const email = uniqueEmail();
    const bodyOf = (passwordBytes: number[], rest = '}'): Buffer =>
      Buffer.concat([
        Buffer.from(`{"email":"${email}","password":"correct horse`),
        Buffer.from(passwordBytes),
        Buffer.from(`"${rest}`),
      ]);
    expectOurError(await post('/auth/signup', bodyOf([0xff, 0xfe], ',"name":"Ada"}')), 400, 'INVALID_JSON');
    // Well-formed UTF-8 for the same characters is still read: the bytes are checked, not U+FFFD.
    await api().post('/auth/signup').send({ email, password: 'correct horse\ufffd\ufffd', name: 'Ada' }).expect(201);
    for (const bytes of [[0xff, 0xfe], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe9]]) {
      expectOurError(await post('/auth/login', bodyOf(bytes)), 400, 'INVALID_JSON');
    }
    await api().post('/auth/login').send({ email, password: 'correct horse\ufffd\ufffd' }).expect(200);
  });
});

describe('display names', () => {
  // Characters that forge a log or CSV line, or show text in another order than stored.
  const UNDISPLAYABLE = [
    '\n',
    '\r',
    '\t',
    '\u0000',
    '\u0007',
    '\u007f',
    '\u0085',
    '\u202e',
    '\u202a',
    '\u2066',
    '\u2069',
  ];

  it('are refused with 400 at signup and in the admin API when they hold a control or bidirectional-override character', async () => {
    const { accessToken } = await loggedInAs('admin');
    const { user } = await createUser();
    for (const character of UNDISPLAYABLE) {
      const name = `Ada${character}Lovelace`;
      const signup = await api().post('/auth/signup').send({ email: uniqueEmail(), password: PASSWORD, name });
      expect(signup.status, JSON.stringify(name)).to.equal(400);
      expect(signup.body.error.details, JSON.stringify(signup.body)).to.deep.include({
        field: 'name',
        message: 'name must not contain control or bidirectional-override characters',
      });
      const patch = await api()
        .patch(`/admin/users/${user.id}`)
        .set('Authorization', bearer(accessToken))
        .send({ name });
      expect(patch.status, JSON.stringify(name)).to.equal(400);
    }
    expect((await User.findByPk(user.id))?.name).to.equal(user.name);
    const accepted = await api()
      .post('/auth/signup')
      .send({ email: uniqueEmail(), password: PASSWORD, name: 'Ada Lövelace 😀 عربي' });
    expect(accepted.status).to.equal(201);
  });

  it("lose those characters when Auth.js passes a provider's name through the adapter", async () => {
    const created = await api()
      .post('/adapter/users')
      .set('X-Auth-Secret', ADAPTER_SECRET)
      .send({ email: uniqueEmail(), name: `Ada${UNDISPLAYABLE.join('')} Lovelace`, emailVerified: null });
    expect(created.status, created.text).to.equal(200);
    expect(created.body.name).to.equal('Ada Lovelace');
  });
});
