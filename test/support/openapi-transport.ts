import { randomInt } from 'node:crypto';
import { expect } from 'chai';
import type { Response, Test } from 'supertest';
import { COOKIE_MODE, cookieHeader, cookieLogin, NAMES, setCookiesOf } from './cookies';
import { api, uniqueEmail, PASSWORD } from './factories';
import { call, tokenFor, withValidBody, type OperationCall, type Scenario } from './openapi-call';

/** Every per-IP limit at 1, behind a trusted proxy so X-Forwarded-For picks the counted IP. */
const ONE_ATTEMPT_PER_IP = {
  TRUST_PROXY: 'true',
  RATE_LIMIT_SIGNUP_PER_IP: '1',
  RATE_LIMIT_LOGIN_PER_IP: '1',
  RATE_LIMIT_REFRESH_PER_IP: '1',
  RATE_LIMIT_PASSWORD_PER_IP: '1',
  RATE_LIMIT_OIDC_EXCHANGE_PER_IP: '1',
  RATE_LIMIT_MAIL_PER_IP: '1',
  RATE_LIMIT_EMAIL_TOKEN_PER_IP: '1',
};

// Counters persist in rate_limits for the whole run: each scenario counts on a /64 of its own.
const prefix = randomInt(0, 0xffff).toString(16);
let nextNetwork = 0;
function freshIp(): string {
  nextNetwork += 1;
  return `2001:db8:${prefix}:${nextNetwork.toString(16)}::1`;
}

/** The response, after checking it set the access, refresh and CSRF cookies. */
function expectIssuedCookies(response: Response): Response {
  expect([...setCookiesOf(response).keys()].sort()).to.deep.equal([NAMES.access, NAMES.csrf, NAMES.refresh].sort());
  return response;
}

/** What a browser sends to /auth/refresh after a cookie login. */
async function refreshByCookie(withCsrfHeader: boolean): Promise<Response> {
  const login = await cookieLogin();
  const request = api(COOKIE_MODE)
    .post('/auth/refresh')
    .set('X-Auth-Transport', 'cookie')
    .set('Cookie', cookieHeader({ [NAMES.refresh]: login.refresh, [NAMES.csrf]: login.csrf }));
  return withCsrfHeader ? request.set('X-CSRF-Token', login.csrf) : request;
}

/** Scenarios the cookie-transport examples of signup, login and refresh play. */
export const COOKIE_SCENARIOS = {
  signup: async (operation: OperationCall) =>
    expectIssuedCookies(
      await call(operation, undefined, api(COOKIE_MODE))
        .set('X-Auth-Transport', 'cookie')
        .send({ email: uniqueEmail(), password: PASSWORD, name: 'Ada Lovelace' }),
    ),
  login: async () => {
    const login = await cookieLogin();
    const response = await api(COOKIE_MODE)
      .post('/auth/login')
      .set('X-Auth-Transport', 'cookie')
      .send({ email: login.user.email, password: PASSWORD });
    return expectIssuedCookies(response);
  },
  refresh: async () => expectIssuedCookies(await refreshByCookie(true)),
  refreshWithoutCsrf: () => refreshByCookie(false),
  refreshWithoutCookie: async (operation: OperationCall) =>
    call(operation, undefined, api(COOKIE_MODE)).set('X-Auth-Transport', 'cookie'),
} satisfies Record<string, Scenario>;

/** Shared scenarios of the rate-limit, CSRF and cookie-mode answers, by example name. */
export const TRANSPORT_SCENARIOS: Record<string, Scenario> = {
  RATE_LIMITED: async (operation) => {
    const app = api(ONE_ATTEMPT_PER_IP);
    const ip = freshIp();
    const token = await tokenFor(operation);
    const body = {
      ...(operation.validBody as object),
      ...(operation.path === '/auth/signup' ? { email: uniqueEmail() } : {}),
    };
    const attempt = (): Test => call(operation, token, app).set('X-Forwarded-For', ip).send(body);
    expect((await attempt()).status, 'the first attempt is within the limit').to.not.equal(429);
    const refused = await attempt();
    expect(refused.headers['retry-after']).to.match(/^[1-9]\d*$/);
    return refused;
  },
  CSRF_TOKEN_INVALID: async (operation) => {
    const { access, csrf } = await cookieLogin();
    const request = call(operation, undefined, api(COOKIE_MODE)).set(
      'Cookie',
      cookieHeader({ [NAMES.access]: access, [NAMES.csrf]: csrf }),
    );
    return withValidBody(request, operation);
  },
  COOKIE_MODE_DISABLED: async (operation) =>
    withValidBody(call(operation).set('X-Auth-Transport', 'cookie'), operation),
};
