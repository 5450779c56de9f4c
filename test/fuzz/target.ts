import type { Server } from 'node:http';
import { once } from 'node:events';
import { createHttpServer, type ServerTimeouts } from '../../src/http-server';
import { createApp } from '../../src/server';
import { silentLogger, testConfig } from '../support/config';
import { loggedInAs } from '../support/admins';
import { loggedInUser } from '../support/factories';
import { profileRoutes, type RouteProfile } from './profiles';
import { routesOf, type Route } from './routes';
import type { Identity } from './tokens';

/** The app under fuzzing, listening once for the whole suite, with a signed-in fuzz user. */
export interface FuzzTarget {
  server: Server;
  routes: Route[];
  profiles: RouteProfile[];
  /** The fuzz user; the token arbitraries read it when they generate, so it may change. */
  identity: Identity;
  accessToken: string;
  /** Signs in a new fuzz user, for when a request may have logged the current one out. */
  renewUser(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An OpenID provider called `probe` (the segment profiling puts in `:provider`), at an address where
 * nothing listens: a fuzzed `redirect_to` never matches the allowlist, so no request reaches discovery.
 */
const FUZZ_OIDC_PROVIDER = {
  OIDC_PROVIDERS: 'probe',
  OIDC_PROBE_ISSUER: 'http://127.0.0.1:1',
  OIDC_PROBE_CLIENT_ID: 'fuzz',
  OIDC_PROBE_CLIENT_SECRET: 'fuzz-secret',
  PUBLIC_URL: 'http://127.0.0.1:3000',
  OIDC_REDIRECT_ALLOWLIST: 'https://app.example.test/signed-in',
};

/** The fuzz target's CORS origin. */
export const FUZZ_ORIGIN = 'https://app.example.test';

/** Starts the app behind the Node server `serve` builds (its parser answers first), on a free port. */
async function startFuzzTarget(timeouts: ServerTimeouts = {}): Promise<FuzzTarget> {
  // Cookie mode and CORS on, so their code paths (cookie auth, CSRF, preflights) are fuzzed too; an
  // OpenID provider named as the probes' path segment, so its routes are fuzzed past the name check.
  const config = testConfig({ COOKIE_MODE: 'true', CORS_ORIGINS: FUZZ_ORIGIN, ...FUZZ_OIDC_PROVIDER });
  const app = createApp({ config, logger: silentLogger });
  const server = createHttpServer(app.callback(), timeouts);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const routes = routesOf(app);
  const target: FuzzTarget = {
    server,
    routes,
    profiles: await profileRoutes(server, routes),
    identity: { userId: 0, sessionId: '', bystander: { userId: 0, sessionId: '' } },
    accessToken: '',
    async renewUser() {
      // An admin, so that /admin routes are fuzzed past the role check (their parameters, bodies and
      // refusals); an admin can neither delete nor disable itself, so the fuzz user survives them.
      const { user, accessToken, sessionId } = await loggedInAs('admin');
      target.identity.userId = user.id;
      target.identity.sessionId = sessionId;
      target.accessToken = accessToken;
    },
    async close() {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
  await target.renewUser();
  const bystander = await loggedInUser();
  target.identity.bystander = { userId: bystander.user.id, sessionId: bystander.sessionId };
  return target;
}

/**
 * The one fuzz target of a `describe` block: registers the hooks that start it before the block's
 * tests and close it after them, and returns what those tests call to reach it.
 */
export function useFuzzTarget(timeouts: ServerTimeouts = {}): () => FuzzTarget {
  let target: FuzzTarget | null = null;
  before(async function () {
    // Profiling every route and signing two users in takes a while on a busy machine.
    this.timeout(120_000);
    target = await startFuzzTarget(timeouts);
  });
  after(async () => {
    await target?.close();
    target = null;
  });
  return () => {
    if (target === null) throw new Error('the fuzz target runs only inside the tests of its describe block');
    return target;
  };
}
