import { createHash } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createApp } from '../../src/server';
import { testConfig } from './config';
import { CookieJar, TEST_CLIENT, visit, type ProviderAccount } from './oidc-provider';

/** The front end allowed to receive sign-in results in these tests. */
export const FRONT_END = 'https://app.example.test/signed-in';

/** The front end's PKCE pair of RFC 7636 (Appendix B): what it sends at login, what it keeps for the exchange. */
export const FRONT_END_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
export const challengeOf = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

/** Our app on a real port (the provider redirects browsers to it), with its log lines kept. */
export interface OidcApp {
  publicUrl: string;
  logLines: Array<Record<string, unknown>>;
  /** Serves a new app built from these settings on the same port. */
  configure(overrides: Record<string, string>): void;
  close(): Promise<void>;
}

/** The keys of one provider `name` at `issuer`, registered with the test client. */
export function providerKeys(name: string, issuer: string): Record<string, string> {
  const prefix = `OIDC_${name.toUpperCase()}`;
  return {
    [`${prefix}_ISSUER`]: issuer,
    [`${prefix}_CLIENT_ID`]: TEST_CLIENT.id,
    [`${prefix}_CLIENT_SECRET`]: TEST_CLIENT.secret,
  };
}

export async function startOidcApp(): Promise<OidcApp> {
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
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const logLines: Array<Record<string, unknown>> = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'info' }, logStream);
  return {
    publicUrl,
    logLines,
    configure(overrides) {
      const config = testConfig({ PUBLIC_URL: publicUrl, OIDC_REDIRECT_ALLOWLIST: FRONT_END, ...overrides });
      handle = createApp({ config, logger }).callback();
    },
    async close() {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

/** A browser: one cookie jar for our app and the provider (cookies are per host, not per port). */
export class Browser {
  readonly jar = new CookieJar();

  /** `verifier`: what the front end this browser runs keeps for the exchange. */
  constructor(
    private readonly app: OidcApp,
    private readonly verifier = FRONT_END_VERIFIER,
  ) {}

  /** GET /auth/oidc/:provider/login; the answer, not followed. */
  startSignIn(provider = 'test', redirectTo = FRONT_END) {
    const query = new URLSearchParams({ redirect_to: redirectTo, code_challenge: challengeOf(this.verifier) });
    return visit(`${this.app.publicUrl}/auth/oidc/${provider}/login?${query.toString()}`, this.jar);
  }

  /**
   * Follows the provider from its authorization URL through its own login and consent pages (or
   * aborts at the first page when `account` is null) until it redirects back to our app; returns that URL.
   */
  async authorize(authorizationUrl: string, account: ProviderAccount | null): Promise<string> {
    let answer = await visit(authorizationUrl, this.jar);
    for (let step = 0; step < 12; step += 1) {
      const next = answer.location;
      if (next === '') throw new Error(`the provider stopped at ${answer.status}: ${answer.text.slice(0, 300)}`);
      if (next.startsWith(this.app.publicUrl)) return next;
      if (/\/interaction\/[^/]+$/.test(new URL(next).pathname)) {
        const page = await visit(next, this.jar);
        if (account === null) {
          answer = await visit(`${next}/abort`, this.jar);
        } else {
          const isLogin = page.text.includes('name="login"');
          const form: Record<string, string> = isLogin
            ? { prompt: 'login', login: account.sub, password: 'any' }
            : { prompt: 'consent' };
          answer = await visit(next, this.jar, { form });
        }
      } else {
        answer = await visit(next, this.jar);
      }
    }
    throw new Error('the provider never redirected back');
  }

  /** Our callback, with this browser's cookies. */
  callback(url: string) {
    return visit(url, this.jar);
  }

  /** The whole dance for `account`: the final redirect to the front end. */
  async signIn(account: ProviderAccount | null, provider = 'test'): Promise<URL> {
    const start = await this.startSignIn(provider);
    if (start.status !== 302) throw new Error(`login answered ${start.status}: ${start.text}`);
    const callbackUrl = await this.authorize(start.location, account);
    const result = await this.callback(callbackUrl);
    if (result.status !== 302) throw new Error(`callback answered ${result.status}: ${result.text}`);
    return new URL(result.location);
  }
}
