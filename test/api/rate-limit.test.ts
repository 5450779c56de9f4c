import { expect } from 'chai';
import { randomInt } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { Response } from 'supertest';
import { Session, User } from '../../src/models';
import { accountKey } from '../../src/services/rate-limit.service';
import { testSequelize } from '../support/database';
import { api, createUser, loggedInUser, PASSWORD, uniqueEmail } from '../support/factories';

// Counters outlive each test in the shared table: every test uses IPs and emails of its own.
let nextAddress = randomInt(0, 60_000);

/** An address from 198.18.0.0/15 (benchmarking range) that no other test uses. */
function fakeIp(): string {
  nextAddress += 1;
  return `198.18.${Math.floor(nextAddress / 256) % 256}.${nextAddress % 256}`;
}

/** An app behind one trusted proxy, so X-Forwarded-For picks the client IP, with low limits. */
function limitedApi(limits: Record<string, string>) {
  return api({ TRUST_PROXY: 'true', RATE_LIMIT_WINDOW_SECONDS: '60', ...limits });
}

async function pointsOf(key: string): Promise<number | null> {
  const rows = await testSequelize().query<{ points: number }>('SELECT points FROM rate_limits WHERE `key` = ?', {
    replacements: [key],
    type: QueryTypes.SELECT,
  });
  return rows[0]?.points ?? null;
}

function expectRateLimited(response: Response, windowSeconds = 60): void {
  expect(response.status).to.equal(429);
  expect(response.body).to.deep.equal({
    error: { code: 'RATE_LIMITED', message: 'Too many attempts; try again after the Retry-After seconds.' },
  });
  const retryAfter = response.headers['retry-after'];
  expect(retryAfter).to.match(/^\d+$/);
  expect(Number(retryAfter)).to.be.within(1, windowSeconds);
}

describe('rate limits', () => {
  describe('POST /auth/login', () => {
    it('returns 429 RATE_LIMITED with Retry-After once one IP has spent its attempts', async () => {
      const app = limitedApi({ RATE_LIMIT_LOGIN_PER_IP: '2' });
      const ip = fakeIp();
      const attempt = () =>
        app.post('/auth/login').set('X-Forwarded-For', ip).send({ email: uniqueEmail(), password: 'wrong' });
      expect((await attempt()).status).to.equal(401);
      expect((await attempt()).status).to.equal(401);
      expectRateLimited(await attempt());
      const elsewhere = await app
        .post('/auth/login')
        .set('X-Forwarded-For', fakeIp())
        .send({ email: uniqueEmail(), password: 'wrong' });
      expect(elsewhere.status).to.equal(401);
    });

    it('counts failed logins of one email across IPs, then refuses even the right password without logging in', async () => {
      // The app hashes at cost 5, the user's hash has cost 4: a compare that ran would re-hash it.
      const app = limitedApi({ RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '3', BCRYPT_ROUNDS: '5' });
      const { user } = await createUser();
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const response = await app
          .post('/auth/login')
          .set('X-Forwarded-For', fakeIp())
          .send({ email: user.email, password: 'wrong password' });
        expect(response.status).to.equal(401);
      }
      const right = await app
        .post('/auth/login')
        .set('X-Forwarded-For', fakeIp())
        .send({ email: user.email, password: PASSWORD });

      expectRateLimited(right);
      expect(await Session.count({ where: { userId: user.id } })).to.equal(0);
      const stored = await User.findByPk(user.id, { rejectOnEmpty: true });
      expect(stored.passwordHash).to.equal(user.passwordHash);
    });

    it('resets the failure count of an email after a successful login', async () => {
      const app = limitedApi({ RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '2' });
      const { user } = await createUser();
      const ip = fakeIp();
      const login = (password: string) =>
        app.post('/auth/login').set('X-Forwarded-For', ip).send({ email: user.email, password });
      const statuses = [];
      for (const password of ['wrong', PASSWORD, 'wrong', 'wrong', PASSWORD]) {
        statuses.push((await login(password)).status);
      }
      expect(statuses).to.deep.equal([401, 200, 401, 401, 429]);
    });

    it('keys an account by its normalised email, known or not, and stores only a hash of it', async () => {
      const app = limitedApi({ RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '1' });
      const email = uniqueEmail();
      const first = await app.post('/auth/login').set('X-Forwarded-For', fakeIp()).send({ email, password: 'wrong' });
      const second = await app
        .post('/auth/login')
        .set('X-Forwarded-For', fakeIp())
        .send({ email: ` ${email.toUpperCase()} `, password: 'wrong' });

      expect(first.status).to.equal(401);
      expectRateLimited(second);
      expect(await pointsOf(`loginFailuresPerAccount:${accountKey(email)}`)).to.equal(2);
      const withEmail = await testSequelize().query<{ count: number }>(
        'SELECT COUNT(*) AS count FROM rate_limits WHERE `key` LIKE ?',
        { replacements: [`%${email.split('@')[0] ?? email}%`], type: QueryTypes.SELECT },
      );
      expect(withEmail[0]?.count).to.equal(0);
    });

    it('does not count a request that fails validation', async () => {
      const app = limitedApi({ RATE_LIMIT_LOGIN_PER_IP: '1' });
      const ip = fakeIp();
      const invalid = await app.post('/auth/login').set('X-Forwarded-For', ip).send({ email: 'not an email' });
      const valid = await app
        .post('/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ email: uniqueEmail(), password: 'wrong' });
      expect(invalid.status).to.equal(400);
      expect(valid.status).to.equal(401);
    });
  });

  describe('POST /auth/signup', () => {
    it('returns 429 RATE_LIMITED once one IP has spent its signups, and creates no account', async () => {
      const app = limitedApi({ RATE_LIMIT_SIGNUP_PER_IP: '1' });
      const ip = fakeIp();
      const signup = (email: string) =>
        app.post('/auth/signup').set('X-Forwarded-For', ip).send({ email, password: PASSWORD, name: 'Limited' });
      const refused = uniqueEmail();
      expect((await signup(uniqueEmail())).status).to.equal(201);
      expectRateLimited(await signup(refused));
      expect(await User.count({ where: { email: refused } })).to.equal(0);
    });
  });

  describe('POST /auth/refresh', () => {
    it('returns 429 RATE_LIMITED once one IP has spent its refreshes', async () => {
      const app = limitedApi({ RATE_LIMIT_REFRESH_PER_IP: '1' });
      const ip = fakeIp();
      const refresh = () => app.post('/auth/refresh').set('X-Forwarded-For', ip).send({ refresh_token: 'not-a-token' });
      expect((await refresh()).status).to.equal(401);
      expectRateLimited(await refresh());
    });

    it('lets exactly the limit through of 20 concurrent refreshes from one IP, and counts every one', async () => {
      const app = limitedApi({ RATE_LIMIT_REFRESH_PER_IP: '5' });
      const ip = fakeIp();
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          app.post('/auth/refresh').set('X-Forwarded-For', ip).send({ refresh_token: 'not-a-token' }),
        ),
      );
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 401).length).to.equal(5);
      expect(statuses.filter((status) => status === 429).length).to.equal(15);
      expect(await pointsOf(`refreshPerIp:${ip}`)).to.equal(20);
    });
  });

  describe('POST /auth/password', () => {
    it('counts wrong current passwords of one user across IPs, then refuses the right one unchanged', async () => {
      const app = limitedApi({ RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT: '2' });
      const { user, accessToken } = await loggedInUser();
      const change = (currentPassword: string) =>
        app
          .post('/auth/password')
          .set('Authorization', `Bearer ${accessToken}`)
          .set('X-Forwarded-For', fakeIp())
          .send({ current_password: currentPassword, new_password: 'a brand new password' });
      expect((await change('wrong one')).status).to.equal(403);
      expect((await change('wrong two')).status).to.equal(403);
      expectRateLimited(await change(PASSWORD));
      const stored = await User.findByPk(user.id, { rejectOnEmpty: true });
      expect(stored.passwordHash).to.equal(user.passwordHash);
    });

    it('returns 429 RATE_LIMITED once one IP has spent its password changes', async () => {
      const app = limitedApi({ RATE_LIMIT_PASSWORD_PER_IP: '1' });
      const ip = fakeIp();
      const change = async () => {
        const { accessToken } = await loggedInUser();
        return app
          .post('/auth/password')
          .set('Authorization', `Bearer ${accessToken}`)
          .set('X-Forwarded-For', ip)
          .send({ current_password: 'wrong', new_password: 'a brand new password' });
      };
      expect((await change()).status).to.equal(403);
      expectRateLimited(await change());
    });
  });

  describe('client IP', () => {
    it('ignores X-Forwarded-For by default: the socket address is counted', async () => {
      const before = (await pointsOf('signupPerIp:127.0.0.1')) ?? 0;
      const spoofed = [fakeIp(), fakeIp()];
      for (const ip of spoofed) {
        const response = await api()
          .post('/auth/signup')
          .set('X-Forwarded-For', ip)
          .send({ email: uniqueEmail(), password: PASSWORD, name: 'Direct' });
        expect(response.status).to.equal(201);
      }
      expect(await pointsOf('signupPerIp:127.0.0.1')).to.equal(before + 2);
      for (const ip of spoofed) expect(await pointsOf(`signupPerIp:${ip}`)).to.equal(null);
    });

    it('believes X-Forwarded-For with TRUST_PROXY, as far as TRUST_PROXY_HOPS proxies appended it', async () => {
      const [client, proxy] = [fakeIp(), fakeIp()];
      const signup = (hops: string) =>
        api({ TRUST_PROXY: 'true', TRUST_PROXY_HOPS: hops })
          .post('/auth/signup')
          .set('X-Forwarded-For', `${client}, ${proxy}`)
          .send({ email: uniqueEmail(), password: PASSWORD, name: 'Proxied' });
      expect((await signup('1')).status).to.equal(201);
      expect(await pointsOf(`signupPerIp:${proxy}`)).to.equal(1);
      expect(await pointsOf(`signupPerIp:${client}`)).to.equal(null);
      expect((await signup('2')).status).to.equal(201);
      expect(await pointsOf(`signupPerIp:${client}`)).to.equal(1);
    });
  });
});
