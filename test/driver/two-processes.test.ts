import { expect } from 'chai';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_SECRET, UNREACHED_RATE_LIMITS } from '../support/config';
import { createUser } from '../support/factories';
import { startAppServer, type RunningServer } from '../support/processes';

/** Two server processes on the one test database, with the given revocation-cache bound. */
async function twoServers(cacheTtlMs: number): Promise<[RunningServer, RunningServer]> {
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    JWT_SECRET: TEST_SECRET,
    BCRYPT_ROUNDS: '4',
    REVOCATION_CACHE_TTL_MS: String(cacheTtlMs),
    PURGE_INTERVAL_SECONDS: '0',
    ...UNREACHED_RATE_LIMITS,
  };
  return Promise.all([startAppServer({ cwd: tmpdir(), env }), startAppServer({ cwd: tmpdir(), env })]);
}

/** Runs `check` against two fresh servers A and B, and always stops both afterwards. */
async function withTwoServers(
  cacheTtlMs: number,
  check: (a: RunningServer, b: RunningServer) => Promise<void>,
): Promise<void> {
  const servers = await twoServers(cacheTtlMs);
  try {
    await check(...servers);
  } finally {
    for (const server of servers) server.child.kill('SIGTERM');
    await Promise.all(servers.map((server) => server.exited));
  }
}

async function login(server: RunningServer): Promise<string> {
  const { user, password } = await createUser();
  const response = await fetch(`${server.baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: user.email, password }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function userStatus(server: RunningServer, token: string): Promise<number> {
  return (await fetch(`${server.baseUrl}/auth/user`, { headers: { Authorization: `Bearer ${token}` } })).status;
}

async function logout(server: RunningServer, token: string): Promise<number> {
  return (
    await fetch(`${server.baseUrl}/auth/logout`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })
  ).status;
}

describe('revocation across two server processes', function () {
  this.timeout(60_000);

  it('B rejects a token logged out on A within the 1 s bound; A rejects it at once', async () => {
    await withTwoServers(1000, async (a, b) => {
      const token = await login(a);
      expect(await userStatus(b, token)).to.equal(200);
      expect(await userStatus(b, token)).to.equal(200);

      expect(await logout(a, token)).to.equal(200);
      const loggedOutAt = Date.now();
      expect(await userStatus(a, token)).to.equal(401);

      let status = await userStatus(b, token);
      while (status === 200 && Date.now() - loggedOutAt < 3000) {
        await sleep(25);
        status = await userStatus(b, token);
      }
      const staleForMs = Date.now() - loggedOutAt;
      expect(status).to.equal(401);
      // The bound is 1000 ms from B's last database read; 250 ms covers the polling step and I/O.
      expect(staleForMs).to.be.at.most(1250);
    });
  });

  it('with caching off (bound 0), B rejects on the very next request', async () => {
    await withTwoServers(0, async (a, b) => {
      const token = await login(a);
      expect(await userStatus(b, token)).to.equal(200);
      expect(await logout(a, token)).to.equal(200);
      expect(await userStatus(b, token)).to.equal(401);
    });
  });
});
