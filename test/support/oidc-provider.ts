import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type JWK } from 'oidc-provider';

/** A person at the test provider; `sub` is what its login form takes as the account id. */
export interface ProviderAccount {
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string;
}

/** How the provider misbehaves, switched on by a test and off after it. */
export interface Misbehaviour {
  /** The authorization request's nonce is replaced: the ID token carries another one. */
  swapNonce: boolean;
  /** The token endpoint's ID token has its signature broken. */
  breakIdTokenSignature: boolean;
}

export const TEST_CLIENT = { id: 'test-client', secret: 'test-client-secret-0123456789' };

/** A real OpenID provider (oidc-provider) listening on 127.0.0.1, with its dev login and consent pages. */
export interface TestProvider {
  issuer: string;
  misbehave: Misbehaviour;
  addAccount(fields?: Partial<ProviderAccount>): ProviderAccount;
  close(): Promise<void>;
}

/** A port nothing listens on right now (taken and released), for a provider that is down. */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts a provider whose client `test-client` may redirect to `redirectUris` (on `port`, else a free one). */
export async function startTestProvider(redirectUris: string[], port = 0): Promise<TestProvider> {
  /** The app the server hands requests to: swapped once the app exists, since it needs the port. */
  let handle: (request: http.IncomingMessage, response: http.ServerResponse) => Promise<void> | void = (
    _request,
    response,
  ) => {
    response.end();
  };
  const server = http.createServer((request, response) => {
    void handle(request, response);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, ProviderAccount>();
  const misbehave: Misbehaviour = { swapNonce: false, breakIdTokenSignature: false };
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test', alg: 'RS256', use: 'sig' } as JWK;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT.id,
        client_secret: TEST_CLIENT.secret,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomUUID()] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: true } },
    pkce: { methods: ['S256'], required: () => true },
    ttl: { AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600 },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      if (account === undefined) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, email: account.email, email_verified: account.emailVerified, name: account.name }),
      };
    },
  });
  provider.use(async (ctx, next) => {
    if (misbehave.swapNonce && ctx.path === '/auth' && typeof ctx.query.nonce === 'string') {
      ctx.query = { ...ctx.query, nonce: 'a-nonce-of-another-sign-in' };
    }
    await next();
    const body: unknown = ctx.body;
    if (misbehave.breakIdTokenSignature && ctx.path === '/token' && typeof body === 'object' && body !== null) {
      const idToken = (body as { id_token?: unknown }).id_token;
      if (typeof idToken === 'string') {
        const [header, payload] = idToken.split('.');
        ctx.body = { ...body, id_token: `${header}.${payload}.${Buffer.from('forged').toString('base64url')}` };
      }
    }
  });
  handle = provider.callback();

  return {
    issuer,
    misbehave,
    addAccount(fields = {}) {
      const sub = fields.sub ?? `person-${randomUUID()}`;
      const account = { sub, email: `${sub}@example.com`, emailVerified: true, name: 'Test Person', ...fields };
      accounts.set(sub, account);
      return account;
    },
    async close() {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Cookies by name, as a browser would send them back to one host (paths ignored: the tests do not need them). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
}

/** One request that does not follow redirects; stores what the answer sets in `jar`. */
export async function visit(
  url: string,
  jar: CookieJar,
  init: { method?: string; form?: Record<string, string> } = {},
): Promise<{ status: number; location: string; text: string; setCookies: string[] }> {
  const response = await fetch(url, {
    method: init.method ?? (init.form === undefined ? 'GET' : 'POST'),
    redirect: 'manual',
    headers: {
      cookie: jar.header(),
      ...(init.form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    ...(init.form === undefined ? {} : { body: new URLSearchParams(init.form).toString() }),
  });
  const setCookies = response.headers.getSetCookie();
  jar.store(setCookies);
  const location = response.headers.get('location') ?? '';
  return {
    status: response.status,
    location: location === '' ? '' : new URL(location, url).href,
    text: await response.text(),
    setCookies,
  };
}
