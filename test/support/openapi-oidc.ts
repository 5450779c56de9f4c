import { createHash, randomBytes, randomInt } from 'node:crypto';
import { Account, OidcCode, User } from '../../src/models';
import { COOKIE_MODE } from './cookies';
import { api, loggedInUser, createUser } from './factories';
import { bearer, call, type Scenario } from './openapi-call';

/** A provider `example` that is down (nothing listens on port 1), and an allowlisted front end. */
const WITH_PROVIDER = {
  OIDC_PROVIDERS: 'example',
  OIDC_EXAMPLE_ISSUER: 'http://127.0.0.1:1',
  OIDC_EXAMPLE_CLIENT_ID: 'client',
  OIDC_EXAMPLE_CLIENT_SECRET: 'secret',
  PUBLIC_URL: 'http://127.0.0.1:3000',
  OIDC_REDIRECT_ALLOWLIST: 'https://app.example.com/signed-in',
};

const login = (query: Record<string, string>, provider = 'example') =>
  api(WITH_PROVIDER).get(`/auth/oidc/${provider}/login`).query(query);

/** The front end's verifier: the exchange examples send it. */
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

/** A one-time code of a fresh user, stored as the callback stores it for a sign-in started with VERIFIER's challenge. */
async function issuedCode(): Promise<string> {
  const { user } = await createUser();
  const code = randomBytes(32).toString('base64url');
  const codeHash = createHash('sha256').update(code).digest('base64url');
  const clientChallenge = CHALLENGE;
  const expiresAt = new Date(Date.now() + 60_000);
  await OidcCode.create({ codeHash, userId: user.id, clientChallenge, expiresAt, createdAt: new Date() });
  return code;
}

/** A signed-in user linked to `example`, optionally without a password. */
async function linkedUser(withPassword: boolean) {
  const { user, accessToken } = await loggedInUser();
  await Account.create({ userId: user.id, type: 'oidc', provider: 'example', providerAccountId: `sub-${user.id}` });
  if (!withPassword) await User.update({ passwordHash: null }, { where: { id: user.id } });
  return accessToken;
}

/** Scenarios of the OpenID and linked-accounts operations' own examples. */
export const OIDC_SCENARIOS: Record<string, Record<string, Scenario>> = {
  'GET /auth/oidc/{provider}/login': {
    VALIDATION_FAILED: () => login({}),
    OIDC_REDIRECT_NOT_ALLOWED: () => login({ redirect_to: 'https://evil.example/', code_challenge: CHALLENGE }),
    OIDC_PROVIDER_UNKNOWN: () =>
      login({ redirect_to: 'https://app.example.com/signed-in', code_challenge: CHALLENGE }, 'nosuch'),
    OIDC_PROVIDER_UNAVAILABLE: () =>
      login({ redirect_to: 'https://app.example.com/signed-in', code_challenge: CHALLENGE }),
    RATE_LIMITED: async () => {
      const app = api({ TRUST_PROXY: 'true', RATE_LIMIT_OIDC_LOGIN_PER_IP: '1' });
      const ip = `2001:db8:${randomInt(0, 0xffff).toString(16)}:ffff::1`;
      const attempt = () =>
        app
          .get('/auth/oidc/nosuch/login')
          .query({ redirect_to: 'x', code_challenge: CHALLENGE })
          .set('X-Forwarded-For', ip);
      await attempt();
      return attempt();
    },
  },
  'GET /auth/oidc/{provider}/callback': {
    OIDC_STATE_INVALID: () => api(WITH_PROVIDER).get('/auth/oidc/example/callback?code=c&state=s'),
    OIDC_PROVIDER_UNKNOWN: () => api().get('/auth/oidc/nosuch/callback?code=c&state=s'),
  },
  'POST /auth/oidc/exchange': {
    exchanged: async (operation) => call(operation).send({ code: await issuedCode(), code_verifier: VERIFIER }),
    exchangedWithCookies: async (operation) =>
      call(operation, undefined, api(COOKIE_MODE))
        .set('X-Auth-Transport', 'cookie')
        .send({ code: await issuedCode(), code_verifier: VERIFIER }),
    OIDC_CODE_INVALID: (operation) => call(operation).send({ code: 'never-issued', code_verifier: VERIFIER }),
  },
  'GET /auth/accounts': {
    accounts: async () =>
      api()
        .get('/auth/accounts')
        .set('Authorization', bearer(await linkedUser(true))),
  },
  'DELETE /auth/accounts/{provider}': {
    unlinked: async () =>
      api()
        .delete('/auth/accounts/example')
        .set('Authorization', bearer(await linkedUser(true))),
    ACCOUNT_NOT_FOUND: async () =>
      api()
        .delete('/auth/accounts/nosuch')
        .set('Authorization', bearer(await linkedUser(true))),
    LAST_SIGN_IN_METHOD: async () =>
      api()
        .delete('/auth/accounts/example')
        .set('Authorization', bearer(await linkedUser(false))),
  },
};
