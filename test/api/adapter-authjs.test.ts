import { Auth, type AuthConfig } from '@auth/core';
import type { EmailConfig } from '@auth/core/providers';
import { expect } from 'chai';
import { AuthjsSession, User } from '../../src/models';
import { adapterFor, startLiveServer, stopLiveServer, type LiveServer } from '../support/adapter';
import { uniqueEmail } from '../support/factories';

const ORIGIN = 'http://app.example.test';

/** A browser's cookie jar, enough for Auth.js's cookies. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const value = pair.slice(at + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(pair.slice(0, at));
      else this.cookies.set(pair.slice(0, at), value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }
}

describe('Auth.js itself (@auth/core Auth()) with our adapter, database sessions and an email provider', () => {
  let live: LiveServer;
  let links: string[];
  let loggedErrors: string[];
  let config: AuthConfig;

  before(async () => {
    live = await startLiveServer();
    const email: EmailConfig = {
      id: 'email',
      type: 'email',
      name: 'Email',
      from: 'auth@example.test',
      maxAge: 600,
      // The mail is the link: captured here instead of sent.
      sendVerificationRequest: ({ url }) => {
        links.push(url);
        return Promise.resolve();
      },
      options: {},
    };
    config = {
      adapter: adapterFor(live),
      providers: [email],
      session: { strategy: 'database' },
      secret: 'a test secret for Auth.js cookies, 32+ bytes long',
      trustHost: true,
      basePath: '/auth',
      // Auth.js logs refused sign-ins as errors: kept for the assertions, out of the test output.
      logger: {
        error: (error) => {
          loggedErrors.push(error.name);
        },
      },
    };
  });
  beforeEach(() => {
    links = [];
    loggedErrors = [];
  });
  after(() => stopLiveServer(live));

  const request = (jar: CookieJar, path: string, init: { method?: string; body?: string; form?: boolean } = {}) =>
    Auth(
      new Request(path.startsWith('http') ? path : `${ORIGIN}${path}`, {
        method: init.method ?? 'GET',
        ...(init.body === undefined ? {} : { body: init.body }),
        headers: {
          cookie: jar.header(),
          ...(init.form === true ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
      }),
      config,
    ).then((response) => {
      jar.take(response);
      return response;
    });

  async function csrfToken(jar: CookieJar): Promise<string> {
    const response = await request(jar, '/auth/csrf');
    return ((await response.json()) as { csrfToken: string }).csrfToken;
  }

  it('signs in by email link into a session stored in our MySQL, and signs out deleting it', async () => {
    const jar = new CookieJar();
    const address = uniqueEmail();

    const signIn = await request(jar, '/auth/signin/email', {
      method: 'POST',
      form: true,
      body: new URLSearchParams({ csrfToken: await csrfToken(jar), email: address }).toString(),
    });
    expect(signIn.status).to.equal(302);
    expect(links).to.have.length(1);

    const callback = await request(jar, links[0] ?? '');
    expect(callback.status).to.equal(302);
    expect(jar.has('authjs.session-token')).to.equal(true);

    const user = await User.findOne({ where: { email: address }, rejectOnEmpty: true });
    expect(user.emailVerified).to.be.instanceOf(Date);
    expect(user.passwordHash).to.equal(null);
    expect(await AuthjsSession.count({ where: { userId: user.id } })).to.equal(1);

    const session = await request(jar, '/auth/session');
    const body = (await session.json()) as { user?: { email?: string } };
    expect(body.user?.email).to.equal(address);

    const signOut = await request(jar, '/auth/signout', {
      method: 'POST',
      form: true,
      body: new URLSearchParams({ csrfToken: await csrfToken(jar) }).toString(),
    });
    expect(signOut.status).to.equal(302);
    expect(await AuthjsSession.count({ where: { userId: user.id } })).to.equal(0);
    const after = (await (await request(jar, '/auth/session')).json()) as unknown;
    expect(after).to.equal(null);
    expect(loggedErrors).to.deep.equal([]);
  });

  it('the link works once: a second use does not sign in', async () => {
    const jar = new CookieJar();
    await request(jar, '/auth/signin/email', {
      method: 'POST',
      form: true,
      body: new URLSearchParams({ csrfToken: await csrfToken(jar), email: uniqueEmail() }).toString(),
    });
    const link = links[0] ?? '';
    await request(new CookieJar(), link);
    const again = new CookieJar();
    const second = await request(again, link);
    expect(second.headers.get('location')).to.include('error=Verification');
    expect(again.has('authjs.session-token')).to.equal(false);
    expect(loggedErrors).to.deep.equal(['Verification']);
  });
});
