import { randomBytes } from 'node:crypto';
import type autocannon from 'autocannon';
import { loginMany, readTokenPair, type Fixtures } from './fixtures';
import type { Scenario } from './load';
import { createSpreadSessions } from './spread-sessions';

const JSON_HEADERS = { 'content-type': 'application/json' };
/** See Scenario.warmupSeconds. */
const REFRESH_WARMUP_SECONDS = 5;

function get(name: string, url: string, expectedStatus = 200, accessToken?: string): Scenario {
  const headers = accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` };
  return { name, expectedStatus, warmupSeconds: 1, prepare: () => ({ url, method: 'GET', headers }) };
}

export function bareKoaScenario(baseUrl: string): Scenario {
  return get('bare koa GET /', `${baseUrl}/`);
}

export function pingScenario({ baseUrl }: Fixtures): Scenario {
  return get('GET /auth/ping', `${baseUrl}/auth/ping`);
}

/** `GET /auth/user` with the valid token: the hot path of every protected route. */
export function userScenario({ baseUrl, validAccessToken }: Fixtures, name = 'GET /auth/user'): Scenario {
  return get(name, `${baseUrl}/auth/user`, 200, validAccessToken);
}

export function revokedUserScenario({ baseUrl, revokedAccessToken }: Fixtures): Scenario {
  return get('GET /auth/user revoked token (401)', `${baseUrl}/auth/user`, 401, revokedAccessToken);
}

export function loginScenario({ baseUrl, user }: Fixtures, name = 'POST /auth/login'): Scenario {
  const body = JSON.stringify({ email: user.email, password: user.password });
  return {
    name,
    expectedStatus: 200,
    warmupSeconds: 0,
    prepare: () => ({ url: `${baseUrl}/auth/login`, method: 'POST', headers: JSON_HEADERS, body }),
  };
}

/** Every request signs up a new email: a per-run random tag plus a counter. */
export function signupScenario({ baseUrl }: Fixtures): Scenario {
  return {
    name: 'POST /auth/signup',
    expectedStatus: 201,
    warmupSeconds: 0,
    prepare() {
      const tag = randomBytes(4).toString('hex');
      let count = 0;
      const setupRequest = (request: autocannon.Request): autocannon.Request => {
        count += 1;
        const email = `bench-${tag}-${count}@example.com`;
        return { ...request, body: JSON.stringify({ email, password: 'bench password 1', name: 'Bench' }) };
      };
      return {
        url: `${baseUrl}/auth/signup`,
        method: 'POST',
        headers: JSON_HEADERS,
        requests: [{ setupRequest }],
      };
    },
  };
}

/**
 * Each refresh retires the token it presents, so every connection follows its own chain: it starts
 * from one of `connections` fresh sessions and sends the refresh token of its previous answer.
 * The chain lives in a per-connection closure (setupClient), not in autocannon's `context`:
 * autocannon resets `context` to `initialContext` each time it wraps around `requests`, which with a
 * single request is before every request. Fresh sessions per run: a run cut off mid-request leaves
 * its chains one step behind the server, and replaying a retired token revokes the session.
 */
export function refreshScenario(fixtures: Fixtures, connections: number): Scenario {
  return {
    name: 'POST /auth/refresh',
    expectedStatus: 200,
    warmupSeconds: REFRESH_WARMUP_SECONDS,
    async prepare() {
      const chains = (await loginMany(fixtures.baseUrl, fixtures.user, connections)).map((pair) => pair.refreshToken);
      let nextChain = 0;
      const setupClient = (client: autocannon.Client): void => {
        const chain = nextChain % chains.length;
        nextChain += 1;
        const request: autocannon.Request = {
          setupRequest: (base) => ({ ...base, body: JSON.stringify({ refresh_token: chains[chain] }) }),
          onResponse: (status, body) => {
            if (status === 200) chains[chain] = readTokenPair(JSON.parse(body)).refreshToken;
          },
        };
        client.setRequests([request]);
      };
      return { url: `${fixtures.baseUrl}/auth/refresh`, method: 'POST', headers: JSON_HEADERS, setupClient };
    },
  };
}

/** How many users the spread refresh scenario's chains belong to. */
export const SPREAD_USERS = 1000;

/**
 * Refresh chains spread over SPREAD_USERS users, one session each: refreshes rarely wait for one
 * another's user lock, unlike refreshScenario, where every chain belongs to one user. Each
 * connection takes its share of the chains in turn and follows each (fresh sessions per run, as in
 * refreshScenario).
 */
export function refreshSpreadScenario(
  fixtures: Fixtures,
  databaseUrl: string,
  connections: number,
  variant?: string,
): Scenario {
  return {
    name: `POST /auth/refresh, ${SPREAD_USERS} users${variant === undefined ? '' : `, ${variant}`}`,
    expectedStatus: 200,
    warmupSeconds: REFRESH_WARMUP_SECONDS,
    async prepare() {
      const chains = await createSpreadSessions(databaseUrl, SPREAD_USERS);
      let nextConnection = 0;
      const setupClient = (client: autocannon.Client): void => {
        const own = chains
          .map((_, index) => index)
          .filter((index) => index % connections === nextConnection % connections);
        nextConnection += 1;
        let turn = 0;
        let current = own[0] ?? 0;
        const request: autocannon.Request = {
          setupRequest: (base) => {
            current = own[turn % own.length] ?? 0;
            turn += 1;
            return { ...base, body: JSON.stringify({ refresh_token: chains[current] }) };
          },
          onResponse: (status, body) => {
            if (status === 200) chains[current] = readTokenPair(JSON.parse(body)).refreshToken;
          },
        };
        client.setRequests([request]);
      };
      return { url: `${fixtures.baseUrl}/auth/refresh`, method: 'POST', headers: JSON_HEADERS, setupClient };
    },
  };
}
