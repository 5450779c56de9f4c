import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import pino from 'pino';
import request from 'supertest';
import { AuditEvent, EmailToken, Session, User } from '../../src/models';
import { createDatabase } from '../../src/repositories';
import { createApp } from '../../src/server';
import { purgeExpired } from '../../src/services/purge.service';
import { loggedInAs } from '../support/admins';
import { ADAPTER_SECRET, testConfig } from '../support/config';
import { testSequelize } from '../support/database';
import { api, createUser, loggedInUser, PASSWORD, uniqueEmail } from '../support/factories';
import { startTestInbox, tokenInMail, type TestInbox } from '../support/smtp';

const RESET_LINK = 'https://front.example.test/reset';
const VERIFY_LINK = 'https://front.example.test/verify';
const NEW_PASSWORD = 'a brand new passphrase';
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A logger whose lines the test can read. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** Waits until `check` holds, up to two seconds. */
async function eventually(check: () => boolean): Promise<void> {
  for (let waited = 0; waited < 2000 && !check(); waited += 20) await new Promise((done) => setTimeout(done, 20));
  expect(check()).to.equal(true);
}

// Rate-limit counters outlive each test in a shared table: every test sends from an IP of its own.
let nextAddress = randomInt(0, 60_000);
function fakeIp(): string {
  nextAddress += 1;
  return `198.19.${Math.floor(nextAddress / 256) % 256}.${nextAddress % 256}`;
}

describe('password reset and email verification', () => {
  let inbox: TestInbox;
  /** One app for the whole suite, mailing through the test SMTP server. */
  let app: ReturnType<typeof request>;
  const mailSettings = () => ({
    SMTP_URL: inbox.url,
    MAIL_FROM: 'Auth <auth@example.test>',
    PASSWORD_RESET_URL: `${RESET_LINK}?token={token}`,
    EMAIL_VERIFY_URL: `${VERIFY_LINK}?token={token}`,
  });

  before(async () => {
    inbox = await startTestInbox();
    app = api(mailSettings());
  });

  after(() => inbox.close());

  /** The caller changes their password to NEW_PASSWORD. */
  const changePassword = (accessToken: string) =>
    app
      .post('/auth/password')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({ current_password: PASSWORD, new_password: NEW_PASSWORD })
      .expect(200);

  /** Asks for a reset of `email` and returns the token the mail carried. */
  async function resetTokenFor(email: string): Promise<string> {
    await app.post('/auth/password/forgot').send({ email }).expect(202);
    return tokenInMail(await inbox.mailTo(email, RESET_LINK), RESET_LINK);
  }

  describe('POST /auth/password/forgot', () => {
    it('answers 202 with one body for a known and an unknown email, and mails only the known one', async () => {
      const { user } = await createUser();
      const unknown = uniqueEmail();
      const known = await app.post('/auth/password/forgot').send({ email: user.email });
      const missing = await app.post('/auth/password/forgot').send({ email: unknown });
      expect(known.status).to.equal(202);
      expect(missing.status).to.equal(202);
      expect(known.body).to.deep.equal(missing.body);
      expect(known.body.message).to.be.a('string');

      const mail = await inbox.mailTo(user.email);
      expect(mail.from?.value[0]?.address).to.equal('auth@example.test');
      const token = tokenInMail(mail, RESET_LINK);
      expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
      const row = await EmailToken.findByPk(sha256(token));
      expect(row?.purpose).to.equal('reset');
      expect(row?.userId).to.equal(user.id);
      expect(row?.usedAt).to.equal(null);
      const ttl = ((row?.expiresAt.getTime() ?? 0) - Date.now()) / 1000;
      expect(ttl).to.be.within(1790, 1800);
      // Never the raw token: only its SHA-256 is stored.
      expect(await EmailToken.count({ where: { tokenHash: token } })).to.equal(0);
      expect(inbox.countTo(unknown)).to.equal(0);
    });

    it('answers 400 VALIDATION_FAILED naming email for a bad address', async () => {
      const response = await app.post('/auth/password/forgot').send({ email: 'not-an-email' });
      expect(response.status).to.equal(400);
      expect(response.body.error.code).to.equal('VALIDATION_FAILED');
      expect(response.body.error.details.map((detail: { field: string }) => detail.field)).to.deep.equal(['email']);
    });

    it('mails nothing to a disabled user, with the same answer', async () => {
      const { user } = await createUser();
      await user.update({ disabledAt: new Date() });
      const response = await app.post('/auth/password/forgot').send({ email: user.email });
      expect(response.status).to.equal(202);
      // The link is issued after the answer: once a later request's mail is in, this one's would be too.
      const { user: enabled } = await createUser();
      await resetTokenFor(enabled.email);
      expect(await EmailToken.count({ where: { userId: user.id } })).to.equal(0);
      expect(inbox.countTo(user.email)).to.equal(0);
    });

    it('still answers 202 when the SMTP server is down, and logs the failure without the token', async () => {
      const { user } = await createUser();
      const { logger, lines } = capturedLogger();
      // A port nothing listens on: connections are refused.
      const config = testConfig({ ...mailSettings(), SMTP_URL: 'smtp://127.0.0.1:1' });
      const down = request(createApp({ config, logger }).callback());
      const response = await down.post('/auth/password/forgot').send({ email: user.email });
      expect(response.status).to.equal(202);
      await eventually(() => lines.some((line) => line.msg === 'mail could not be sent'));
      const row = await EmailToken.findOne({ where: { userId: user.id } });
      expect(row).to.not.equal(null);
      expect(JSON.stringify(lines)).to.not.include(RESET_LINK);
    });

    it('answers 503 MAIL_UNAVAILABLE in production without SMTP_URL, which startup warned of', async () => {
      const { logger, lines } = capturedLogger();
      const config = testConfig({ NODE_ENV: 'production', BCRYPT_ROUNDS: '10', SMTP_URL: '' });
      const production = request(createApp({ config, logger }).callback());
      expect(lines.map((line) => line.level)).to.include(40);
      expect(lines.find((line) => line.level === 40)?.msg).to.include('SMTP_URL');
      const { user } = await createUser();
      const response = await production.post('/auth/password/forgot').send({ email: user.email });
      expect(response.status).to.equal(503);
      expect(response.body.error.code).to.equal('MAIL_UNAVAILABLE');
      expect(await EmailToken.count({ where: { userId: user.id } })).to.equal(0);
      const { accessToken } = await loggedInUser();
      const verify = await production.post('/auth/email/verify/request').set('Authorization', `Bearer ${accessToken}`);
      expect(verify.status).to.equal(503);
      expect(verify.body.error.code).to.equal('MAIL_UNAVAILABLE');
    });

    it('writes the mail, link and token included, to the log outside production without SMTP_URL', async () => {
      const { logger, lines } = capturedLogger();
      const config = testConfig({ ...mailSettings(), SMTP_URL: '' });
      const logged = request(createApp({ config, logger }).callback());
      const { user } = await createUser();
      await logged.post('/auth/password/forgot').send({ email: user.email }).expect(202);
      await eventually(() => lines.some((entry) => entry.msg === 'mail not sent (no SMTP_URL): written to the log'));
      const line = lines.find((entry) => entry.msg === 'mail not sent (no SMTP_URL): written to the log');
      const mail = line?.mail as { to: string; text: string } | undefined;
      expect(mail?.to).to.equal(user.email);
      const token = /token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1] ?? '';
      expect(await EmailToken.count({ where: { tokenHash: sha256(token), userId: user.id } })).to.equal(1);
    });

    it('counts every request per account, known or unknown, and per IP: past either, 429 RATE_LIMITED', async () => {
      const limited = api({
        ...mailSettings(),
        TRUST_PROXY: 'true',
        RATE_LIMIT_MAIL_PER_ACCOUNT: '2',
        RATE_LIMIT_MAIL_PER_IP: '3',
      });
      const { user } = await createUser();
      for (const email of [user.email, uniqueEmail()]) {
        const forgot = () => limited.post('/auth/password/forgot').set('X-Forwarded-For', fakeIp()).send({ email });
        expect((await forgot()).status).to.equal(202);
        expect((await forgot()).status).to.equal(202);
        const refused = await forgot();
        expect(refused.status).to.equal(429);
        expect(refused.body.error.code).to.equal('RATE_LIMITED');
      }
      const ip = fakeIp();
      const fromOneIp = () =>
        limited.post('/auth/password/forgot').set('X-Forwarded-For', ip).send({ email: uniqueEmail() });
      for (let attempt = 0; attempt < 3; attempt += 1) expect((await fromOneIp()).status).to.equal(202);
      expect((await fromOneIp()).status).to.equal(429);
    });
  });

  describe('POST /auth/password/reset', () => {
    it('sets the password, uses the token up and records password.reset', async () => {
      const { user } = await createUser();
      const token = await resetTokenFor(user.email);
      const response = await app.post('/auth/password/reset').send({ token, new_password: NEW_PASSWORD });
      expect(response.status).to.equal(200);
      expect(response.body.message).to.be.a('string');
      await app.post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(401);
      await app.post('/auth/login').send({ email: user.email, password: NEW_PASSWORD }).expect(200);
      const row = await EmailToken.findByPk(sha256(token));
      expect(row?.usedAt).to.be.instanceOf(Date);
      const audit = await AuditEvent.findAll({ where: { targetUserId: user.id, action: 'password.reset' } });
      expect(audit.map((event) => event.actorId)).to.deep.equal([user.id]);
    });

    it('works once: the same token again is 400 RESET_TOKEN_INVALID, and so is an older link of the user', async () => {
      const { user } = await createUser();
      const older = await resetTokenFor(user.email);
      await app.post('/auth/password/forgot').send({ email: user.email }).expect(202);
      await eventually(() => inbox.countTo(user.email) === 2);
      const newer = (await EmailToken.findAll({ where: { userId: user.id } })).length;
      expect(newer).to.equal(2);
      await app.post('/auth/password/reset').send({ token: older, new_password: NEW_PASSWORD }).expect(200);
      const again = await app.post('/auth/password/reset').send({ token: older, new_password: 'yet another one' });
      expect(again.status).to.equal(400);
      expect(again.body.error.code).to.equal('RESET_TOKEN_INVALID');
      expect(await EmailToken.count({ where: { userId: user.id, usedAt: null } })).to.equal(0);
    });

    it('answers 400 RESET_TOKEN_INVALID for an expired token, and changes nothing', async () => {
      const { user } = await createUser();
      const token = await resetTokenFor(user.email);
      await EmailToken.update({ expiresAt: new Date(Date.now() - 1000) }, { where: { tokenHash: sha256(token) } });
      const response = await app.post('/auth/password/reset').send({ token, new_password: NEW_PASSWORD });
      expect(response.status).to.equal(400);
      expect(response.body.error.code).to.equal('RESET_TOKEN_INVALID');
      await app.post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
    });

    it('answers 400 RESET_TOKEN_INVALID for an unknown token and for a verification token', async () => {
      const unknown = await app
        .post('/auth/password/reset')
        .send({ token: randomBytes(32).toString('base64url'), new_password: NEW_PASSWORD });
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error.code).to.equal('RESET_TOKEN_INVALID');

      const { user, accessToken } = await loggedInUser();
      await app.post('/auth/email/verify/request').set('Authorization', `Bearer ${accessToken}`).expect(202);
      const verifyToken = tokenInMail(await inbox.mailTo(user.email, VERIFY_LINK), VERIFY_LINK);
      const wrongPurpose = await app
        .post('/auth/password/reset')
        .send({ token: verifyToken, new_password: NEW_PASSWORD });
      expect(wrongPurpose.status).to.equal(400);
      expect(wrongPurpose.body.error.code).to.equal('RESET_TOKEN_INVALID');
      expect((await EmailToken.findByPk(sha256(verifyToken)))?.usedAt).to.equal(null);
    });

    it('lets one of two concurrent resets with one token win', async () => {
      const { user } = await createUser();
      const token = await resetTokenFor(user.email);
      const answers = await Promise.all(
        ['first passphrase!', 'second passphrase!'].map((new_password) =>
          app.post('/auth/password/reset').send({ token, new_password }),
        ),
      );
      expect(answers.map((answer) => answer.status).sort()).to.deep.equal([200, 400]);
      const loser = answers.find((answer) => answer.status === 400);
      expect(loser?.body.error.code).to.equal('RESET_TOKEN_INVALID');
      const winner = answers.findIndex((answer) => answer.status === 200);
      const password = winner === 0 ? 'first passphrase!' : 'second passphrase!';
      await app.post('/auth/login').send({ email: user.email, password }).expect(200);
    });

    it('ends every refresh session, access token and Auth.js session of the user', async () => {
      const { user, accessToken, refreshToken } = await loggedInUser();
      const second = await app.post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
      const sessionToken = randomUUID();
      await app
        .post('/adapter/users/sessions')
        .set('X-Auth-Secret', ADAPTER_SECRET)
        .send({ sessionToken, userId: String(user.id), expires: new Date(Date.now() + 3_600_000).toISOString() })
        .expect(200);
      const versionBefore = (await User.findByPk(user.id))?.tokenVersion ?? -1;

      const token = await resetTokenFor(user.email);
      await app.post('/auth/password/reset').send({ token, new_password: NEW_PASSWORD }).expect(200);

      for (const access of [accessToken, second.body.access_token as string]) {
        const me = await app.get('/auth/user').set('Authorization', `Bearer ${access}`);
        expect(me.status).to.equal(401);
        expect(me.body.error.code).to.equal('TOKEN_REVOKED');
      }
      for (const refresh of [refreshToken, second.body.refresh_token as string]) {
        const refreshed = await app.post('/auth/refresh').send({ refresh_token: refresh });
        expect(refreshed.status).to.equal(401);
        expect(refreshed.body.error.code).to.equal('REFRESH_TOKEN_REVOKED');
      }
      const authjs = await app.get(`/adapter/users/sessions/${sessionToken}`).set('X-Auth-Secret', ADAPTER_SECRET);
      expect(authjs.status).to.equal(200);
      expect(authjs.body).to.equal(null);
      expect((await User.findByPk(user.id))?.tokenVersion).to.equal(versionBefore + 1);
    });

    it('answers 403 USER_DISABLED for a good token of a user disabled since, and keeps the password', async () => {
      const { user } = await createUser();
      const token = await resetTokenFor(user.email);
      await User.update({ disabledAt: new Date() }, { where: { id: user.id } });
      const response = await app.post('/auth/password/reset').send({ token, new_password: NEW_PASSWORD });
      expect(response.status).to.equal(403);
      expect(response.body.error.code).to.equal('USER_DISABLED');
      expect((await EmailToken.findByPk(sha256(token)))?.usedAt).to.equal(null);
    });

    it('answers 400 VALIDATION_FAILED naming each bad field, the password by the signup rules', async () => {
      const response = await app.post('/auth/password/reset').send({ new_password: 'short' });
      expect(response.status).to.equal(400);
      expect(response.body.error.code).to.equal('VALIDATION_FAILED');
      const fields = response.body.error.details.map((detail: { field: string }) => detail.field);
      expect(fields.sort()).to.deep.equal(['new_password', 'token']);
    });

    it('is limited per IP: past RATE_LIMIT_EMAIL_TOKEN_PER_IP, 429 RATE_LIMITED', async () => {
      const limited = api({ TRUST_PROXY: 'true', RATE_LIMIT_EMAIL_TOKEN_PER_IP: '2' });
      const ip = fakeIp();
      const attempt = () =>
        limited
          .post('/auth/password/reset')
          .set('X-Forwarded-For', ip)
          .send({ token: 'x', new_password: NEW_PASSWORD });
      expect((await attempt()).status).to.equal(400);
      expect((await attempt()).status).to.equal(400);
      const refused = await attempt();
      expect(refused.status).to.equal(429);
      expect(refused.body.error.code).to.equal('RATE_LIMITED');
    });
  });

  describe('POST /auth/email/verify/request and POST /auth/email/verify', () => {
    it('mails a link whose token sets email_verified, shown by GET /auth/user at once', async () => {
      const { user, accessToken } = await loggedInUser();
      const me = () => app.get('/auth/user').set('Authorization', `Bearer ${accessToken}`);
      expect((await me()).body.user.email_verified).to.equal(false);
      const asked = await app.post('/auth/email/verify/request').set('Authorization', `Bearer ${accessToken}`);
      expect(asked.status).to.equal(202);
      const token = tokenInMail(await inbox.mailTo(user.email, VERIFY_LINK), VERIFY_LINK);
      const verified = await app.post('/auth/email/verify').send({ token });
      expect(verified.status).to.equal(200);
      expect((await me()).body.user.email_verified).to.equal(true);
      expect((await User.findByPk(user.id))?.emailVerified).to.be.instanceOf(Date);
      const again = await app.post('/auth/email/verify').send({ token });
      expect(again.status).to.equal(400);
      expect(again.body.error.code).to.equal('VERIFY_TOKEN_INVALID');
    });

    it('mails nothing more once the address is verified', async () => {
      const { user, accessToken } = await loggedInUser();
      await User.update({ emailVerified: new Date() }, { where: { id: user.id } });
      await app.post('/auth/email/verify/request').set('Authorization', `Bearer ${accessToken}`).expect(202);
      expect(await EmailToken.count({ where: { userId: user.id } })).to.equal(0);
    });

    it('answers 401 without a token', async () => {
      const response = await app.post('/auth/email/verify/request');
      expect(response.status).to.equal(401);
      expect(response.body.error.code).to.equal('UNAUTHENTICATED');
    });

    it('answers 400 VERIFY_TOKEN_INVALID for a reset token, an unknown one and an expired one', async () => {
      const { user, accessToken } = await loggedInUser();
      const resetToken = await resetTokenFor(user.email);
      for (const token of [resetToken, randomBytes(32).toString('base64url')]) {
        const response = await app.post('/auth/email/verify').send({ token });
        expect(response.status).to.equal(400);
        expect(response.body.error.code).to.equal('VERIFY_TOKEN_INVALID');
      }
      await app.post('/auth/email/verify/request').set('Authorization', `Bearer ${accessToken}`).expect(202);
      const verifyToken = tokenInMail(await inbox.mailTo(user.email, VERIFY_LINK), VERIFY_LINK);
      await EmailToken.update(
        { expiresAt: new Date(Date.now() - 1000) },
        { where: { tokenHash: sha256(verifyToken) } },
      );
      const expired = await app.post('/auth/email/verify').send({ token: verifyToken });
      expect(expired.status).to.equal(400);
      expect(expired.body.error.code).to.equal('VERIFY_TOKEN_INVALID');
      expect((await User.findByPk(user.id))?.emailVerified).to.equal(null);
      expect((await EmailToken.findByPk(sha256(resetToken)))?.usedAt).to.equal(null);
    });

    it('answers 400 VALIDATION_FAILED naming token for a body without it', async () => {
      const response = await app.post('/auth/email/verify').send({});
      expect(response.status).to.equal(400);
      expect(response.body.error.details.map((detail: { field: string }) => detail.field)).to.deep.equal(['token']);
    });

    it('is limited per user: past RATE_LIMIT_MAIL_PER_ACCOUNT requests, 429 RATE_LIMITED', async () => {
      const limited = api({ ...mailSettings(), TRUST_PROXY: 'true', RATE_LIMIT_MAIL_PER_ACCOUNT: '1' });
      const { accessToken } = await loggedInUser();
      const ask = () =>
        limited
          .post('/auth/email/verify/request')
          .set('X-Forwarded-For', fakeIp())
          .set('Authorization', `Bearer ${accessToken}`);
      expect((await ask()).status).to.equal(202);
      const refused = await ask();
      expect(refused.status).to.equal(429);
      expect(refused.body.error.code).to.equal('RATE_LIMITED');
    });
  });

  describe('a user deleted while asking for a link', () => {
    it('answers 202 or 401 USER_NOT_FOUND, never a 500, and leaves no token behind', async () => {
      const { user, accessToken } = await loggedInUser();
      const admin = await loggedInAs('admin');
      const asks = Array.from({ length: 8 }, () =>
        app.post('/auth/email/verify/request').set('Authorization', `Bearer ${accessToken}`),
      );
      const deletion = app.delete(`/admin/users/${user.id}`).set('Authorization', `Bearer ${admin.accessToken}`);
      const [deleted, ...answers] = await Promise.all([deletion, ...asks]);
      expect(deleted.status).to.equal(200);
      for (const answer of answers) {
        expect(answer.status, JSON.stringify(answer.body)).to.be.oneOf([202, 401]);
        if (answer.status === 401) expect(answer.body.error.code).to.be.oneOf(['USER_NOT_FOUND', 'TOKEN_REVOKED']);
      }
      expect(await EmailToken.count({ where: { userId: user.id } })).to.equal(0);
    });
  });

  describe('a link proves the address it was mailed to, and nothing else', () => {
    /** A verified user with a reset link and a verification link, both mailed to their address now. */
    async function userWithLinks() {
      const signedIn = await loggedInUser();
      const { user, accessToken } = signedIn;
      await app.post('/auth/email/verify/request').set('Authorization', `Bearer ${accessToken}`).expect(202);
      const verifyToken = tokenInMail(await inbox.mailTo(user.email, VERIFY_LINK), VERIFY_LINK);
      const resetToken = await resetTokenFor(user.email);
      await User.update({ emailVerified: new Date() }, { where: { id: user.id } });
      return { ...signedIn, verifyToken, resetToken };
    }

    for (const [who, moveTo] of [
      [
        'an admin',
        async (id: number, email: string) => {
          const admin = await loggedInAs('admin');
          await app.patch(`/admin/users/${id}`).set('Authorization', `Bearer ${admin.accessToken}`).send({ email });
        },
      ],
      [
        'the Auth.js adapter',
        async (id: number, email: string) => {
          await app
            .patch('/adapter/users')
            .set('X-Auth-Secret', ADAPTER_SECRET)
            .send({ id: String(id), email });
        },
      ],
    ] as const) {
      it(`refuses links mailed to the old address once ${who} changes it, which is then unverified`, async () => {
        const { user, verifyToken, resetToken } = await userWithLinks();
        const newEmail = uniqueEmail();
        await moveTo(user.id, newEmail);
        const moved = await User.findByPk(user.id);
        expect(moved?.email).to.equal(newEmail);
        expect(moved?.emailVerified).to.equal(null);
        const reset = await app.post('/auth/password/reset').send({ token: resetToken, new_password: NEW_PASSWORD });
        expect(reset.status).to.equal(400);
        expect(reset.body.error.code).to.equal('RESET_TOKEN_INVALID');
        const verify = await app.post('/auth/email/verify').send({ token: verifyToken });
        expect(verify.status).to.equal(400);
        expect(verify.body.error.code).to.equal('VERIFY_TOKEN_INVALID');
        expect((await User.findByPk(user.id))?.emailVerified).to.equal(null);
        await app.post('/auth/login').send({ email: newEmail, password: PASSWORD }).expect(200);
      });
    }

    it('keeps the address verified when the adapter says so, and when the email does not change', async () => {
      const { user } = await userWithLinks();
      const patch = (body: Record<string, unknown>) =>
        app
          .patch('/adapter/users')
          .set('X-Auth-Secret', ADAPTER_SECRET)
          .send({ id: String(user.id), ...body })
          .expect(200);
      await patch({ email: user.email, name: 'Same address' });
      expect((await User.findByPk(user.id))?.emailVerified).to.be.instanceOf(Date);
      const verifiedAt = new Date('2026-11-30T12:00:00.000Z');
      await patch({ email: uniqueEmail(), emailVerified: verifiedAt.toISOString() });
      expect((await User.findByPk(user.id))?.emailVerified?.toISOString()).to.equal(verifiedAt.toISOString());
    });

    it('works again for the address it was mailed to: a link follows the address, not the user', async () => {
      const { user, resetToken } = await userWithLinks();
      await User.update({ email: uniqueEmail() }, { where: { id: user.id } });
      await User.update({ email: user.email }, { where: { id: user.id } });
      await app.post('/auth/password/reset').send({ token: resetToken, new_password: NEW_PASSWORD }).expect(200);
    });

    it('a reset proves the address: email_verified is set, and GET /auth/user shows it', async () => {
      const { user } = await createUser();
      const token = await resetTokenFor(user.email);
      await app.post('/auth/password/reset').send({ token, new_password: NEW_PASSWORD }).expect(200);
      expect((await User.findByPk(user.id))?.emailVerified).to.be.instanceOf(Date);
      const login = await app.post('/auth/login').send({ email: user.email, password: NEW_PASSWORD }).expect(200);
      const me = await app.get('/auth/user').set('Authorization', `Bearer ${login.body.access_token as string}`);
      expect(me.body.user.email_verified).to.equal(true);
    });

    it('a password change retires the reset links asked for before it', async () => {
      const { user, accessToken } = await loggedInUser();
      const token = await resetTokenFor(user.email);
      await changePassword(accessToken);
      const reset = await app.post('/auth/password/reset').send({ token, new_password: 'the attacker chose this' });
      expect(reset.status).to.equal(400);
      expect(reset.body.error.code).to.equal('RESET_TOKEN_INVALID');
      await app.post('/auth/login').send({ email: user.email, password: NEW_PASSWORD }).expect(200);
    });
  });

  describe('one way to end all access (endAllAccess)', () => {
    /** A live Auth.js session of the user, through /adapter. */
    async function authjsSession(userId: number): Promise<string> {
      const sessionToken = randomUUID();
      const expires = new Date(Date.now() + 3_600_000).toISOString();
      await app
        .post('/adapter/users/sessions')
        .set('X-Auth-Secret', ADAPTER_SECRET)
        .send({ sessionToken, userId: String(userId), expires })
        .expect(200);
      return sessionToken;
    }
    const authjsSessionOf = async (sessionToken: string) =>
      (await app.get(`/adapter/users/sessions/${sessionToken}`).set('X-Auth-Secret', ADAPTER_SECRET)).body as unknown;

    for (const [action, run] of [
      [
        'an admin revoke',
        (id: number, token: string) => app.post(`/admin/users/${id}/revoke`).set('Authorization', `Bearer ${token}`),
      ],
      [
        'an admin disable',
        (id: number, token: string) =>
          app.patch(`/admin/users/${id}`).set('Authorization', `Bearer ${token}`).send({ disabled: true }),
      ],
    ] as const) {
      it(`ends the Auth.js sessions, access tokens and refresh sessions of the user on ${action}`, async () => {
        const { user, accessToken, refreshToken } = await loggedInUser();
        const sessionToken = await authjsSession(user.id);
        expect(await authjsSessionOf(sessionToken)).to.not.equal(null);
        const moderator = await loggedInAs('moderator');
        expect((await run(user.id, moderator.accessToken)).status).to.equal(200);
        expect(await authjsSessionOf(sessionToken)).to.equal(null);
        expect((await app.get('/auth/user').set('Authorization', `Bearer ${accessToken}`)).status).to.equal(401);
        const refreshed = await app.post('/auth/refresh').send({ refresh_token: refreshToken });
        expect(refreshed.status).to.not.equal(200);
        expect(await Session.count({ where: { userId: user.id, revokedAt: null } })).to.equal(0);
      });
    }

    it("keeps the caller's own session on a password change, and ends the other and the Auth.js ones", async () => {
      const { user, accessToken } = await loggedInUser();
      const other = await app.post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
      const sessionToken = await authjsSession(user.id);
      await changePassword(accessToken);
      expect((await app.get('/auth/user').set('Authorization', `Bearer ${accessToken}`)).status).to.equal(200);
      const otherAccess = other.body.access_token as string;
      expect((await app.get('/auth/user').set('Authorization', `Bearer ${otherAccess}`)).status).to.equal(401);
      expect(await authjsSessionOf(sessionToken)).to.equal(null);
    });
  });

  describe('--purge', () => {
    it('deletes email tokens that are used or expired, and keeps live ones', async () => {
      const { user } = await createUser();
      const row = (hash: string, expiresAt: Date, usedAt: Date | null) =>
        EmailToken.create({
          tokenHash: sha256(hash),
          purpose: 'reset',
          userId: user.id,
          emailHash: sha256(user.email),
          expiresAt,
          usedAt,
        });
      const later = new Date(Date.now() + 600_000);
      await row(randomUUID(), new Date(Date.now() - 1000), null);
      await row(randomUUID(), later, new Date());
      const live = randomUUID();
      await row(live, later, null);
      const removed = await purgeExpired(createDatabase(testSequelize()));
      expect(removed.emailTokens).to.be.at.least(2);
      const left = await EmailToken.findAll({ where: { userId: user.id } });
      expect(left.map((token) => token.tokenHash)).to.deep.equal([sha256(live)]);
    });
  });
});
