/** Talks to the server under test over plain HTTP to create the users and tokens the scenarios need. */

export interface Credentials {
  email: string;
  password: string;
  name: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export interface Fixtures {
  baseUrl: string;
  user: Credentials;
  validAccessToken: string;
  /** Logged out: every request with it should get 401 TOKEN_REVOKED. */
  revokedAccessToken: string;
}

const BENCH_USER: Credentials = { email: 'bench-user@example.com', password: 'bench password 1', name: 'Bench User' };

/** Reads `access_token` and `refresh_token` from a signup, login or refresh response body. */
export function readTokenPair(body: unknown): TokenPair {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const { access_token: accessToken, refresh_token: refreshToken } = fields;
  if (typeof accessToken !== 'string' || typeof refreshToken !== 'string') {
    throw new Error(`expected a token pair, got ${JSON.stringify(body)}`);
  }
  return { accessToken, refreshToken };
}

async function post(url: string, expectedStatus: number, body?: object, accessToken?: string): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (accessToken !== undefined) headers.authorization = `Bearer ${accessToken}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body ?? {}) });
  const text = await response.text();
  if (response.status !== expectedStatus) {
    throw new Error(`POST ${url}: expected ${expectedStatus}, got ${response.status} ${text}`);
  }
  const parsed: unknown = JSON.parse(text);
  return parsed;
}

export async function login(baseUrl: string, user: Credentials): Promise<TokenPair> {
  return readTokenPair(await post(`${baseUrl}/auth/login`, 200, { email: user.email, password: user.password }));
}

/** `count` logins, `concurrency` at a time: `count` live sessions of one user. */
export async function loginMany(
  baseUrl: string,
  user: Credentials,
  count: number,
  concurrency = 8,
): Promise<TokenPair[]> {
  const pairs: TokenPair[] = [];
  while (pairs.length < count) {
    const batch = Math.min(concurrency, count - pairs.length);
    pairs.push(...(await Promise.all(Array.from({ length: batch }, () => login(baseUrl, user)))));
  }
  return pairs;
}

/** Signs the bench user up, and logs it in once more to get a token to revoke. */
export async function createFixtures(baseUrl: string): Promise<Fixtures> {
  const signedUp = readTokenPair(await post(`${baseUrl}/auth/signup`, 201, BENCH_USER));
  const toRevoke = await login(baseUrl, BENCH_USER);
  await post(`${baseUrl}/auth/logout`, 200, {}, toRevoke.accessToken);
  return {
    baseUrl,
    user: BENCH_USER,
    validAccessToken: signedUp.accessToken,
    revokedAccessToken: toRevoke.accessToken,
  };
}
