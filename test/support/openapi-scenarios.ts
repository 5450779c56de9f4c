import { randomUUID } from 'node:crypto';
import { Session } from '../../src/models';
import { testSequelize, withDatabaseDown } from './database';
import { api, createUser, decode, loggedInUser, PASSWORD, signToken, uniqueEmail } from './factories';
import { basicAuth, TEST_CLIENT } from './config';
import { bearer, call, tokenFor, withValidBody, type OperationCall, type Scenario } from './openapi-call';
import { ADAPTER_SCENARIOS, ADAPTER_SECRET_SCENARIO } from './openapi-adapter';
import { ADMIN_SCENARIOS } from './openapi-admin-scenarios';
import { EMAIL_SCENARIOS } from './openapi-email';
import { OIDC_SCENARIOS } from './openapi-oidc';
import { COOKIE_SCENARIOS, TRANSPORT_SCENARIOS } from './openapi-transport';

/**
 * Scenarios any operation can play, by example name: the shared 401, 413, 415 and 503 responses,
 * and the generic body errors of the 400 every JSON-body route has.
 */
export const SHARED_SCENARIOS: Record<string, Scenario> = {
  UNAUTHENTICATED: (operation) => call(operation),
  TOKEN_INVALID: (operation) => call(operation, 'not-a-jwt'),
  TOKEN_EXPIRED: async (operation) => {
    const { user, sessionId } = await loggedInUser();
    const past = Math.floor(Date.now() / 1000) - 60;
    const claims = { sub: String(user.id), sid: sessionId, ver: 0, jti: randomUUID(), iat: past - 60, exp: past };
    return call(operation, signToken(claims));
  },
  TOKEN_REVOKED: async (operation) => {
    const { accessToken } = await loggedInUser();
    await api().post('/auth/logout').set('Authorization', bearer(accessToken)).expect(200);
    return call(operation, accessToken);
  },
  USER_NOT_FOUND: async (operation) => {
    const { user, accessToken } = await loggedInUser();
    await user.destroy();
    return call(operation, accessToken);
  },
  VALIDATION_FAILED: async (operation) => call(operation, await tokenFor(operation)).send([]),
  INVALID_JSON: async (operation) =>
    call(operation, await tokenFor(operation))
      .set('Content-Type', 'application/json')
      .send('{"email":'),
  BAD_REQUEST: async (operation) =>
    call(operation, await tokenFor(operation))
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send('{"not":"gzipped"}'),
  PAYLOAD_TOO_LARGE: async (operation) =>
    call(operation, await tokenFor(operation)).send({ pad: 'x'.repeat(17 * 1024) }),
  UNSUPPORTED_MEDIA_TYPE: async (operation) =>
    call(operation, await tokenFor(operation))
      .type('form')
      .send('a=b'),
  SERVICE_UNAVAILABLE: async (operation) => {
    const token = await tokenFor(operation);
    return withDatabaseDown(async () => withValidBody(call(operation, token), operation));
  },
  ADAPTER_SECRET_INVALID: ADAPTER_SECRET_SCENARIO,
  ...TRANSPORT_SCENARIOS,
};

/** A live refresh token, and the app that issued it (its rotation grace window comes from `overrides`). */
async function refreshable(overrides: Record<string, string> = {}) {
  const app = api(overrides);
  const { refreshToken } = await loggedInUser();
  return { app, refreshToken, refresh: (token: string) => app.post('/auth/refresh').send({ refresh_token: token }) };
}

/** A request to an introspection route as the test client (HTTP Basic). */
const asClient = (operation: OperationCall) =>
  call(operation).set('Authorization', basicAuth(TEST_CLIENT.id, TEST_CLIENT.secret));

/** The errors POST /auth/introspect and POST /auth/revoke share, past client authentication. */
const CLIENT_ROUTE_ERRORS: Record<string, Scenario> = {
  CLIENT_UNAUTHENTICATED: (operation) =>
    call(operation).set('Authorization', basicAuth(TEST_CLIENT.id, 'a wrong secret')).send({ token: 'x' }),
  VALIDATION_FAILED: (operation) => asClient(operation).type('form').send('token_type_hint=access_token'),
  INVALID_JSON: (operation) => asClient(operation).set('Content-Type', 'application/json').send('{"token":'),
  BAD_REQUEST: (operation) =>
    asClient(operation).set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send('{"token":"x"}'),
  PAYLOAD_TOO_LARGE: (operation) =>
    asClient(operation)
      .type('form')
      .send({ token: 'x'.repeat(17 * 1024) }),
  UNSUPPORTED_MEDIA_TYPE: (operation) => asClient(operation).type('text').send('token=x'),
  SERVICE_UNAVAILABLE: async (operation) => {
    const { refreshToken } = await loggedInUser();
    return withDatabaseDown(async () => asClient(operation).send({ token: refreshToken }));
  },
};

/** Scenarios of one operation's own examples, by `METHOD /path` then example name. */
export const OPERATION_SCENARIOS: Record<string, Record<string, Scenario>> = {
  'GET /auth/ping': { up: (operation) => call(operation) },
  'POST /auth/signup': {
    created: (operation) => call(operation).send({ email: uniqueEmail(), password: PASSWORD, name: 'Ada Lovelace' }),
    createdWithCookies: COOKIE_SCENARIOS.signup,
    VALIDATION_FAILED: (operation) => call(operation).send({ email: 'not-an-email', password: 'short', name: 'Ada' }),
    EMAIL_TAKEN: async (operation) => {
      const { user } = await createUser();
      return call(operation).send({ email: user.email, password: PASSWORD, name: 'Ada Lovelace' });
    },
  },
  'POST /auth/login': {
    loggedIn: async (operation) => {
      const { user, password } = await createUser();
      return call(operation).send({ email: user.email, password });
    },
    loggedInWithCookies: COOKIE_SCENARIOS.login,
    VALIDATION_FAILED: (operation) => call(operation).send({ email: uniqueEmail() }),
    INVALID_CREDENTIALS: (operation) => call(operation).send({ email: uniqueEmail(), password: PASSWORD }),
  },
  'POST /auth/refresh': {
    rotated: async () => {
      const { refresh, refreshToken } = await refreshable();
      return refresh(refreshToken);
    },
    rotatedWithCookies: COOKIE_SCENARIOS.refresh,
    UNAUTHENTICATED: COOKIE_SCENARIOS.refreshWithoutCookie,
    CSRF_TOKEN_INVALID: COOKIE_SCENARIOS.refreshWithoutCsrf,
    VALIDATION_FAILED: (operation) => call(operation).send({}),
    REFRESH_TOKEN_INVALID: (operation) => call(operation).send({ refresh_token: 'not-a-refresh-token' }),
    REFRESH_TOKEN_EXPIRED: async () => {
      const { refresh, refreshToken } = await refreshable();
      const rowId = refreshToken.split('.')[0] ?? '';
      await Session.update({ expiresAt: new Date(Date.now() - 1000) }, { where: { id: rowId } });
      return refresh(refreshToken);
    },
    REFRESH_TOKEN_REVOKED: async () => {
      const { accessToken, refreshToken } = await loggedInUser();
      await api().post('/auth/logout').set('Authorization', bearer(accessToken)).expect(200);
      return api().post('/auth/refresh').send({ refresh_token: refreshToken });
    },
    REFRESH_TOKEN_REUSED: async () => {
      const { refresh, refreshToken } = await refreshable({ REFRESH_GRACE_SECONDS: '0' });
      await refresh(refreshToken).expect(200);
      return refresh(refreshToken);
    },
    REFRESH_CONFLICT: async () => {
      const { refresh, refreshToken } = await refreshable({ REFRESH_GRACE_SECONDS: '5' });
      await refresh(refreshToken).expect(200);
      return refresh(refreshToken);
    },
  },
  'GET /auth/user': { user: async (operation) => call(operation, await tokenFor(operation)) },
  'POST /auth/logout': {
    loggedOut: async (operation) => call(operation, await tokenFor(operation)).send({ scope: 'others' }),
    VALIDATION_FAILED: async (operation) => call(operation, await tokenFor(operation)).send({ scope: 'everywhere' }),
  },
  'GET /auth/sessions': { sessions: async (operation) => call(operation, await tokenFor(operation)) },
  'DELETE /auth/sessions/{id}': {
    revoked: async () => {
      const { user, accessToken } = await loggedInUser();
      const other = await api().post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
      const otherSession = String(decode(other.body.access_token as string).sid);
      return api().delete(`/auth/sessions/${otherSession}`).set('Authorization', bearer(accessToken));
    },
    SESSION_NOT_FOUND: async (operation) => call(operation, await tokenFor(operation)),
  },
  'POST /auth/password': {
    changed: async (operation) =>
      call(operation, await tokenFor(operation)).send({ current_password: PASSWORD, new_password: 'a new passphrase' }),
    VALIDATION_FAILED: async (operation) =>
      call(operation, await tokenFor(operation)).send({ current_password: PASSWORD, new_password: 'short' }),
    PASSWORD_INCORRECT: async (operation) =>
      call(operation, await tokenFor(operation)).send({
        current_password: 'wrong password',
        new_password: 'a new one!',
      }),
  },
  'POST /auth/introspect': {
    activeAccessToken: async (operation) => asClient(operation).send({ token: (await loggedInUser()).accessToken }),
    activeRefreshToken: async (operation) =>
      asClient(operation)
        .type('form')
        .send({ token: (await loggedInUser()).refreshToken, token_type_hint: 'refresh_token' }),
    inactive: (operation) => asClient(operation).type('form').send({ token: 'not-a-token' }),
    ...CLIENT_ROUTE_ERRORS,
  },
  'POST /auth/revoke': CLIENT_ROUTE_ERRORS,
  'GET /.well-known/jwks.json': { hmac: (operation) => call(operation) },
  'GET /.well-known/openid-configuration': { metadata: (operation) => call(operation) },
  'GET /health/live': { live: (operation) => call(operation) },
  'GET /health/ready': {
    ready: (operation) => call(operation),
    databaseDown: (operation) => withDatabaseDown(async () => call(operation)),
    migrationsPending: async (operation) => {
      const sequelize = testSequelize();
      const [rows] = await sequelize.query('SELECT name FROM SequelizeMeta ORDER BY name DESC LIMIT 1');
      const latest = (rows as Array<{ name: string }>)[0]?.name ?? '';
      await sequelize.query('DELETE FROM SequelizeMeta WHERE name = ?', { replacements: [latest] });
      try {
        return await call(operation);
      } finally {
        await sequelize.query('INSERT INTO SequelizeMeta (name) VALUES (?)', { replacements: [latest] });
      }
    },
  },
  'GET /docs/{asset}': { NOT_FOUND: (operation) => call(operation) },
  ...ADAPTER_SCENARIOS,
  ...ADMIN_SCENARIOS,
  ...EMAIL_SCENARIOS,
  ...OIDC_SCENARIOS,
};
