import { expect } from 'chai';
import request from 'supertest';
import { Account, AuditEvent, OidcCode, OidcLogin, User } from '../../src/models';
import { NAMES } from '../support/cookies';
import { createUser, PASSWORD } from '../support/factories';
import {
  Browser,
  challengeOf,
  FRONT_END,
  FRONT_END_VERIFIER,
  providerKeys,
  startOidcApp,
  type OidcApp,
} from '../support/oidc-flow';
import { freePort, startTestProvider, type TestProvider } from '../support/oidc-provider';

describe('OpenID Connect sign-in against a real provider', () => {
  let app: OidcApp;
  let provider: TestProvider;
  let latePort: number;

  const settings = () => ({
    OIDC_PROVIDERS: 'test,late',
    ...providerKeys('test', provider.issuer),
    ...providerKeys('late', `http://127.0.0.1:${latePort}`),
    COOKIE_MODE: 'true',
  });
  const http = () => request(app.publicUrl);
  const exchange = (code: string, codeVerifier = FRONT_END_VERIFIER) =>
    http().post('/auth/oidc/exchange').send({ code, code_verifier: codeVerifier });
  const failuresLogged = () => app.logLines.filter((line) => line.msg === 'oidc sign-in failed');

  before(async () => {
    app = await startOidcApp();
    latePort = await freePort();
    provider = await startTestProvider([
      `${app.publicUrl}/auth/oidc/test/callback`,
      `${app.publicUrl}/auth/oidc/late/callback`,
    ]);
    app.configure(settings());
  });

  after(async () => {
    await provider.close();
    await app.close();
  });

  afterEach(() => {
    provider.misbehave.swapNonce = false;
    provider.misbehave.breakIdTokenSignature = false;
  });

  describe('GET /auth/oidc/:provider/login', () => {
    it('redirects to the authorization endpoint with code, PKCE S256, state and nonce, bound by a cookie', async () => {
      const start = await new Browser(app).startSignIn();
      expect(start.status).to.equal(302);
      const location = new URL(start.location);
      expect(`${location.origin}${location.pathname}`).to.equal(`${provider.issuer}/auth`);
      const query = location.searchParams;
      expect(query.get('response_type')).to.equal('code');
      expect(query.get('code_challenge_method')).to.equal('S256');
      expect(query.get('code_challenge')).to.match(/^[\w-]{43}$/);
      expect(query.get('state')).to.match(/^[\w-]{20,}$/);
      expect(query.get('nonce')).to.match(/^[\w-]{20,}$/);
      expect(query.get('redirect_uri')).to.equal(`${app.publicUrl}/auth/oidc/test/callback`);
      expect(query.get('scope')).to.equal('openid email profile');
      const cookie = start.setCookies.find((line) => line.includes('oidc_binding=')) ?? '';
      expect(cookie).to.match(/^__Host-oidc_binding=[\w-]{43};/);
      expect(cookie)
        .to.include('Max-Age=600')
        .and.include('HttpOnly')
        .and.include('SameSite=Lax')
        .and.include('Path=/');
      expect(cookie).to.include('Secure');
      // The row holds a hash of the cookie's value, never the value itself.
      const value = /oidc_binding=([\w-]+)/.exec(cookie)?.[1] ?? '';
      expect(await OidcLogin.count({ where: { idHash: value } })).to.equal(0);
    });
  });

  describe('the whole flow', () => {
    it('creates a user without a password for a new identity; the code exchanges for what login answers', async () => {
      const person = provider.addAccount({ emailVerified: true, name: 'Grace Hopper' });
      const result = await new Browser(app).signIn(person);
      expect(`${result.origin}${result.pathname}`).to.equal(FRONT_END);
      const code = result.searchParams.get('code') ?? '';
      expect(code).to.match(/^[\w-]{43}$/);
      expect([...result.searchParams.keys()]).to.deep.equal(['code']);

      const exchanged = await exchange(code);
      expect(exchanged.status, exchanged.text).to.equal(200);
      expect(Object.keys(exchanged.body).sort()).to.deep.equal(
        ['access_token', 'expires_in', 'refresh_expires_in', 'refresh_token', 'token_type', 'user'].sort(),
      );
      expect(exchanged.body.user).to.include({ email: person.email, name: 'Grace Hopper' });
      const user = await User.findOne({ where: { email: person.email }, raw: true });
      expect(user?.passwordHash).to.equal(null);
      expect(user?.emailVerified).to.be.instanceOf(Date);
      const link = await Account.findOne({ where: { provider: 'test', providerAccountId: person.sub }, raw: true });
      expect(link?.userId).to.equal(user?.id);
      const me = await http()
        .get('/auth/user')
        .set('Authorization', `Bearer ${exchanged.body.access_token as string}`);
      expect(me.status).to.equal(200);
      expect(me.body.user.id).to.equal(user?.id);
      const byPassword = await http().post('/auth/login').send({ email: person.email, password: PASSWORD });
      expect(byPassword.body.error.code).to.equal('INVALID_CREDENTIALS');
    });

    it("drops the control and bidirectional-override characters of the provider's name, and cuts it at 100 whole characters", async () => {
      const person = provider.addAccount({ name: `Grace\u202E reppoH\n\u0007${'😀'.repeat(120)}` });
      const exchanged = await exchange((await new Browser(app).signIn(person)).searchParams.get('code') ?? '');
      expect(exchanged.status, exchanged.text).to.equal(200);
      const stored = (await User.findOne({ where: { email: person.email }, raw: true }))?.name ?? '';
      expect(stored).to.equal(`Grace reppoH${'😀'.repeat(88)}`);
    });

    it('signs a returning identity in as the same user, creating nothing', async () => {
      const person = provider.addAccount();
      const first = await exchange((await new Browser(app).signIn(person)).searchParams.get('code') ?? '');
      const second = await exchange((await new Browser(app).signIn(person)).searchParams.get('code') ?? '');
      expect(second.status).to.equal(200);
      expect(second.body.user.id).to.equal(first.body.user.id);
      expect(await User.count({ where: { email: person.email } })).to.equal(1);
      expect(await Account.count({ where: { providerAccountId: person.sub } })).to.equal(1);
    });

    it('links a new identity to the existing user of its email when both verified it', async () => {
      const { user } = await createUser();
      await User.update({ emailVerified: new Date() }, { where: { id: user.id } });
      const person = provider.addAccount({ email: user.email, emailVerified: true });
      const exchanged = await exchange((await new Browser(app).signIn(person)).searchParams.get('code') ?? '');
      expect(exchanged.body.user.id).to.equal(user.id);
      expect(
        await Account.count({ where: { userId: user.id, provider: 'test', providerAccountId: person.sub } }),
      ).to.equal(1);
      // The password still works: linking adds a way in, it takes none away.
      expect((await http().post('/auth/login').send({ email: user.email, password: PASSWORD })).status).to.equal(200);
    });

    it('records account.linked in the audit log when an identity is linked, and nothing on a later sign-in', async () => {
      const { user } = await createUser();
      await User.update({ emailVerified: new Date() }, { where: { id: user.id } });
      const person = provider.addAccount({ email: user.email, emailVerified: true });
      const linked = () =>
        AuditEvent.findAll({ where: { targetUserId: user.id, action: 'account.linked' }, raw: true });
      await exchange((await new Browser(app).signIn(person)).searchParams.get('code') ?? '').expect(200);
      expect((await linked()).map(({ actorId, changes }) => ({ actorId, changes }))).to.deep.equal([
        { actorId: null, changes: { provider: 'test', created: false } },
      ]);
      await exchange((await new Browser(app).signIn(person)).searchParams.get('code') ?? '').expect(200);
      expect(await linked()).to.have.length(1);
    });

    it('OIDC_EMAIL_UNVERIFIED for a new email the provider does not verify: nobody holds the address', async () => {
      const person = provider.addAccount({ emailVerified: false });
      const result = await new Browser(app).signIn(person);
      expect(result.searchParams.get('error')).to.equal('OIDC_EMAIL_UNVERIFIED');
      expect(await User.count({ where: { email: person.email } })).to.equal(0);
      expect(await Account.count({ where: { providerAccountId: person.sub } })).to.equal(0);
      // Its owner can still sign up with it.
      await http().post('/auth/signup').send({ email: person.email, password: PASSWORD, name: 'Owner' }).expect(201);
    });

    it('OIDC_ACCOUNT_UNVERIFIED when the user of the email never verified it (pre-account takeover)', async () => {
      // The squatter signs up with the owner's address and a password of their own, and never proves it.
      const squatter = await http()
        .post('/auth/signup')
        .send({ email: `owner-${Date.now()}@example.com`, password: PASSWORD, name: 'Squatter' })
        .expect(201);
      const email = squatter.body.user.email as string;
      const person = provider.addAccount({ email, emailVerified: true });
      const result = await new Browser(app).signIn(person);
      expect(result.searchParams.get('error')).to.equal('OIDC_ACCOUNT_UNVERIFIED');
      expect(result.searchParams.get('code')).to.equal(null);
      expect(await Account.count({ where: { providerAccountId: person.sub } })).to.equal(0);
      // Once the address is proven (a verification link or a reset reached it), the identity links.
      await User.update({ emailVerified: new Date() }, { where: { email } });
      const linked = await exchange((await new Browser(app).signIn(person)).searchParams.get('code') ?? '');
      expect(linked.status).to.equal(200);
      expect(linked.body.user.id).to.equal(squatter.body.user.id);
    });

    it('exchanges in cookie mode like a cookie login: cookies set, no tokens in the body', async () => {
      const person = provider.addAccount();
      const code = (await new Browser(app).signIn(person)).searchParams.get('code') ?? '';
      const exchanged = await http()
        .post('/auth/oidc/exchange')
        .set('X-Auth-Transport', 'cookie')
        .send({ code, code_verifier: FRONT_END_VERIFIER });
      expect(exchanged.status).to.equal(200);
      expect(exchanged.body).to.have.keys('user', 'expires_in', 'refresh_expires_in', 'csrf_token');
      const names = (exchanged.headers['set-cookie'] as unknown as string[]).map((line) => line.split('=')[0]);
      expect(names).to.include.members([NAMES.access, NAMES.refresh, NAMES.csrf]);
    });
  });

  describe('failures after the binding is known redirect to redirect_to with ?error=', () => {
    it('OIDC_ACCESS_DENIED when the user aborts at the provider', async () => {
      const result = await new Browser(app).signIn(null);
      expect(result.searchParams.get('error')).to.equal('OIDC_ACCESS_DENIED');
      expect(result.searchParams.has('code')).to.equal(false);
    });

    it('OIDC_STATE_INVALID for a tampered state, and the binding is used up', async () => {
      const browser = new Browser(app);
      const start = await browser.startSignIn();
      const callback = new URL(await browser.authorize(start.location, provider.addAccount()));
      callback.searchParams.set('state', 'tampered-state-value');
      const answer = await browser.callback(callback.href);
      expect(answer.status).to.equal(302);
      expect(new URL(answer.location).searchParams.get('error')).to.equal('OIDC_STATE_INVALID');
      expect(answer.setCookies.some((line) => /oidc_binding=;.*Max-Age=0/.test(line))).to.equal(true);
    });

    it('OIDC_STATE_INVALID when the binding has expired', async () => {
      const browser = new Browser(app);
      const start = await browser.startSignIn();
      const callback = await browser.authorize(start.location, provider.addAccount());
      await OidcLogin.update({ expiresAt: new Date(Date.now() - 1000) }, { where: {} });
      const answer = await browser.callback(callback);
      expect(new URL(answer.location).searchParams.get('error')).to.equal('OIDC_STATE_INVALID');
    });

    it('OIDC_NONCE_INVALID when the ID token carries another nonce (a misbehaving provider)', async () => {
      provider.misbehave.swapNonce = true;
      const result = await new Browser(app).signIn(provider.addAccount());
      expect(result.searchParams.get('error')).to.equal('OIDC_NONCE_INVALID');
    });

    it('OIDC_ID_TOKEN_INVALID when the ID token signature does not verify', async () => {
      provider.misbehave.breakIdTokenSignature = true;
      const person = provider.addAccount();
      const result = await new Browser(app).signIn(person);
      expect(result.searchParams.get('error')).to.equal('OIDC_ID_TOKEN_INVALID');
      expect(await User.count({ where: { email: person.email } })).to.equal(0);
    });

    it('OIDC_PROVIDER_ERROR with the error in details when the code is redeemed for another binding', async () => {
      // Browser A's code and state, delivered to browser B: B's state matches only if B's binding is
      // used, and then A's code does not match B's PKCE verifier, which the provider refuses.
      const alice = new Browser(app);
      const aliceCallback = new URL(await alice.authorize((await alice.startSignIn()).location, provider.addAccount()));
      const mallory = new Browser(app);
      const malloryStart = new URL((await mallory.startSignIn()).location);
      aliceCallback.searchParams.set('state', malloryStart.searchParams.get('state') ?? '');
      const answer = await mallory.callback(aliceCallback.href);
      const result = new URL(answer.location);
      expect(result.searchParams.get('error')).to.equal('OIDC_PROVIDER_ERROR');
      expect(result.searchParams.get('details')).to.equal('invalid_grant');
    });

    it('OIDC_EMAIL_UNVERIFIED for an unverified email of an existing user: no user, no account created', async () => {
      const { user } = await createUser();
      const person = provider.addAccount({ email: user.email, emailVerified: false });
      const result = await new Browser(app).signIn(person);
      expect(result.searchParams.get('error')).to.equal('OIDC_EMAIL_UNVERIFIED');
      expect(await Account.count({ where: { providerAccountId: person.sub } })).to.equal(0);
      expect(await Account.count({ where: { userId: user.id } })).to.equal(0);
      expect(await User.count({ where: { email: user.email } })).to.equal(1);
    });

    it('OIDC_ID_TOKEN_INVALID for a `sub` over 255 characters (OpenID Connect Core 2), never a 500', async () => {
      const person = provider.addAccount({ sub: 's'.repeat(256), email: `long-sub-${Date.now()}@example.com` });
      const result = await new Browser(app).signIn(person);
      expect(result.searchParams.get('error')).to.equal('OIDC_ID_TOKEN_INVALID');
      expect(await User.count({ where: { email: person.email } })).to.equal(0);
      const longest = provider.addAccount({ sub: 's'.repeat(255), email: `longest-sub-${Date.now()}@example.com` });
      const code = (await new Browser(app).signIn(longest)).searchParams.get('code') ?? '';
      expect((await exchange(code)).status).to.equal(200);
    });

    it('OIDC_ACCESS_DENIED for a disabled user, who gets no code', async () => {
      const person = provider.addAccount();
      const first = await exchange((await new Browser(app).signIn(person)).searchParams.get('code') ?? '');
      await User.update({ disabledAt: new Date() }, { where: { id: first.body.user.id as number } });
      const result = await new Browser(app).signIn(person);
      expect(result.searchParams.get('error')).to.equal('OIDC_ACCESS_DENIED');
      expect(await OidcCode.count({ where: { userId: first.body.user.id as number } })).to.equal(0);
    });

    it('logs each failure with its code and the request id', async () => {
      const before = failuresLogged().length;
      await new Browser(app).signIn(null);
      const line = failuresLogged()[before];
      expect(line).to.include({ code: 'OIDC_ACCESS_DENIED', provider: 'test' });
      expect(line?.requestId).to.be.a('string').and.not.equal('');
    });
  });

  describe('failures before the binding is known answer JSON', () => {
    it('400 OIDC_STATE_INVALID without the binding cookie', async () => {
      const browser = new Browser(app);
      const start = await browser.startSignIn();
      const callback = await browser.authorize(start.location, provider.addAccount());
      const answer = await http().get(new URL(callback).pathname + new URL(callback).search);
      expect(answer.status).to.equal(400);
      expect(answer.body.error.code).to.equal('OIDC_STATE_INVALID');
    });

    it('400 OIDC_STATE_INVALID for a replayed callback', async () => {
      const browser = new Browser(app);
      const start = await browser.startSignIn();
      const binding = start.setCookies.find((line) => line.includes('oidc_binding=')) ?? '';
      const callback = await browser.authorize(start.location, provider.addAccount());
      expect((await browser.callback(callback)).status).to.equal(302);
      const replay = await http()
        .get(new URL(callback).pathname + new URL(callback).search)
        .set('Cookie', binding.split(';')[0] ?? '');
      expect(replay.status).to.equal(400);
      expect(replay.body.error.code).to.equal('OIDC_STATE_INVALID');
    });

    it('404 OIDC_PROVIDER_UNKNOWN for a provider not configured, at login and callback', async () => {
      const login = await http()
        .get('/auth/oidc/nosuch/login')
        .query({ redirect_to: FRONT_END, code_challenge: challengeOf(FRONT_END_VERIFIER) });
      expect(login.status).to.equal(404);
      expect(login.body.error.code).to.equal('OIDC_PROVIDER_UNKNOWN');
      const callback = await http().get('/auth/oidc/nosuch/callback?code=x&state=y');
      expect(callback.body.error.code).to.equal('OIDC_PROVIDER_UNKNOWN');
    });

    it('400 OIDC_REDIRECT_NOT_ALLOWED for a redirect_to not on the allowlist, exactly', async () => {
      for (const redirectTo of [
        'https://evil.example/signed-in',
        `${FRONT_END}/more`,
        'https://app.example.test.evil.example/signed-in',
      ]) {
        const answer = await new Browser(app).startSignIn('test', redirectTo);
        expect(answer.status, redirectTo).to.equal(400);
        expect(JSON.parse(answer.text).error.code, redirectTo).to.equal('OIDC_REDIRECT_NOT_ALLOWED');
        expect(answer.setCookies, redirectTo).to.deep.equal([]);
      }
    });

    it('503 OIDC_PROVIDER_UNAVAILABLE while discovery fails, then signs in once the provider is up', async function () {
      this.timeout(20_000);
      const down = await new Browser(app).startSignIn('late');
      expect(down.status).to.equal(503);
      expect(JSON.parse(down.text).error.code).to.equal('OIDC_PROVIDER_UNAVAILABLE');
      // Within the backoff the answer comes at once, without asking the provider again.
      const again = await new Browser(app).startSignIn('late');
      expect(again.status).to.equal(503);
      const late = await startTestProvider([`${app.publicUrl}/auth/oidc/late/callback`], latePort);
      try {
        await new Promise((resolve) => setTimeout(resolve, 1100));
        const result = await new Browser(app).signIn(late.addAccount(), 'late');
        expect(result.searchParams.get('code')).to.match(/^[\w-]{43}$/);
      } finally {
        await late.close();
      }
    });
  });

  describe('POST /auth/oidc/exchange', () => {
    it('401 OIDC_CODE_INVALID without the verifier of the front end that started the sign-in (login CSRF)', async () => {
      // Mallory signs in at the provider as herself and stops at the redirect, keeping the code.
      const malloryVerifier = 'm'.repeat(43);
      const mallory = new Browser(app, malloryVerifier);
      const start = await mallory.startSignIn();
      const row = await OidcLogin.findOne({ order: [['createdAt', 'DESC']] });
      expect(row?.clientChallenge).to.equal(challengeOf(malloryVerifier));
      const callback = await mallory.callback(await mallory.authorize(start.location, provider.addAccount()));
      const code = new URL(callback.location).searchParams.get('code') ?? '';
      // Alice's front end, lured to ?code=<Mallory's code>, exchanges it with the verifier it keeps.
      const lured = await exchange(code, FRONT_END_VERIFIER);
      expect(lured.status).to.equal(401);
      expect(lured.body.error.code).to.equal('OIDC_CODE_INVALID');
      expect(lured.body).to.not.have.property('access_token');
      // The code stays good for the front end that holds the verifier.
      expect((await exchange(code, malloryVerifier)).status).to.equal(200);
    });

    it('400 VALIDATION_FAILED for a sign-in started without a code_challenge, and an exchange without a verifier', async () => {
      const start = await http().get(`/auth/oidc/test/login?redirect_to=${encodeURIComponent(FRONT_END)}`);
      expect(start.status).to.equal(400);
      expect(start.body.error.details.map((detail: { field: string }) => detail.field)).to.deep.equal([
        'code_challenge',
      ]);
      const exchanged = await http()
        .post('/auth/oidc/exchange')
        .send({ code: 'x'.repeat(43) });
      expect(exchanged.body.error.details.map((detail: { field: string }) => detail.field)).to.deep.equal([
        'code_verifier',
      ]);
    });

    it('401 OIDC_CODE_INVALID for a second exchange of one code', async () => {
      const code = (await new Browser(app).signIn(provider.addAccount())).searchParams.get('code') ?? '';
      expect((await exchange(code)).status).to.equal(200);
      const second = await exchange(code);
      expect(second.status).to.equal(401);
      expect(second.body.error.code).to.equal('OIDC_CODE_INVALID');
    });

    it('401 OIDC_CODE_INVALID for an expired code, and for one never issued', async () => {
      const code = (await new Browser(app).signIn(provider.addAccount())).searchParams.get('code') ?? '';
      await OidcCode.update({ expiresAt: new Date(Date.now() - 1) }, { where: {} });
      expect((await exchange(code)).body.error.code).to.equal('OIDC_CODE_INVALID');
      expect((await exchange('never-issued')).body.error.code).to.equal('OIDC_CODE_INVALID');
    });

    it('401 OIDC_CODE_INVALID when the user was disabled or deleted after the callback', async () => {
      for (const change of ['disable', 'delete'] as const) {
        const person = provider.addAccount();
        const code = (await new Browser(app).signIn(person)).searchParams.get('code') ?? '';
        const user = await User.findOne({ where: { email: person.email } });
        if (change === 'disable') await user?.update({ disabledAt: new Date() });
        else await user?.destroy();
        const answer = await exchange(code);
        expect(answer.status, change).to.equal(401);
        expect(answer.body.error.code, change).to.equal('OIDC_CODE_INVALID');
      }
    });

    it('gives one session for concurrent exchanges of one code', async () => {
      const code = (await new Browser(app).signIn(provider.addAccount())).searchParams.get('code') ?? '';
      const answers = await Promise.all([exchange(code), exchange(code), exchange(code)]);
      expect(answers.map((answer) => answer.status).sort()).to.deep.equal([200, 401, 401]);
    });
  });

  describe('rate limits', () => {
    it('429 after RATE_LIMIT_OIDC_LOGIN_PER_IP starts and RATE_LIMIT_OIDC_EXCHANGE_PER_IP exchanges', async () => {
      app.configure({
        ...settings(),
        TRUST_PROXY: 'true',
        RATE_LIMIT_OIDC_LOGIN_PER_IP: '1',
        RATE_LIMIT_OIDC_EXCHANGE_PER_IP: '1',
      });
      // An address of this test's own, so counters of other tests do not count.
      const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
      const start = () =>
        http()
          .get('/auth/oidc/test/login')
          .query({ redirect_to: FRONT_END, code_challenge: challengeOf(FRONT_END_VERIFIER) })
          .set('X-Forwarded-For', ip);
      const tryCode = () => exchange('never-issued').set('X-Forwarded-For', ip);
      try {
        expect((await start()).status).to.equal(302);
        const limited = await start();
        expect(limited.status).to.equal(429);
        expect(limited.body.error.code).to.equal('RATE_LIMITED');
        expect((await tryCode()).status).to.equal(401);
        expect((await tryCode()).status).to.equal(429);
      } finally {
        app.configure(settings());
      }
    });
  });
});
