import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_CLIENT, TEST_SECRET, UNREACHED_RATE_LIMITS } from './config';
import { createUser } from './factories';
import { sampleValue } from './metrics';
import { startAppServer, type RunningServer } from './processes';

/** Server processes on the one test database, with the given environment on top of the test one. */
export async function startInstances(count: number, env: Record<string, string>): Promise<RunningServer[]> {
  const fullEnv = {
    ...process.env,
    NODE_ENV: 'test',
    JWT_SECRET: TEST_SECRET,
    INTROSPECTION_CLIENTS: `${TEST_CLIENT.id}:${TEST_CLIENT.secret}`,
    BCRYPT_ROUNDS: '4',
    PURGE_INTERVAL_SECONDS: '0',
    ...UNREACHED_RATE_LIMITS,
    ...env,
  };
  return Promise.all(Array.from({ length: count }, () => startAppServer({ cwd: tmpdir(), env: fullEnv })));
}

export async function stopInstances(servers: readonly RunningServer[]): Promise<void> {
  for (const server of servers) server.child.kill('SIGTERM');
  await Promise.all(servers.map((server) => server.exited));
}

/** Every status any instance answered: the tests assert there is no 5xx among them. */
export const answeredStatuses: number[] = [];

async function send(server: RunningServer, path: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(`${server.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(15_000) });
  answeredStatuses.push(response.status);
  return response;
}

/** Logs a fresh user in on `server`; resolves with its access token. */
export async function loginOn(server: RunningServer): Promise<string> {
  const { user, password } = await createUser();
  const response = await send(server, '/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: user.email, password }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

export async function userStatus(server: RunningServer, token: string): Promise<number> {
  return (await send(server, '/auth/user', { headers: { Authorization: `Bearer ${token}` } })).status;
}

export async function logoutOn(server: RunningServer, token: string): Promise<number> {
  return (await send(server, '/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${token}` } })).status;
}

/** What GET /health/ready says of Redis on `server`. */
export async function redisHealth(server: RunningServer): Promise<string | undefined> {
  const response = await send(server, '/health/ready');
  return ((await response.json()) as { redis?: string }).redis;
}

/** One value of the revocation-message counter of `server`. */
export async function fanoutCount(server: RunningServer, event: string): Promise<number> {
  const text = await (await send(server, '/metrics')).text();
  return sampleValue(text, 'auth_revocation_messages_total', { event }) ?? 0;
}

/** The fan-out lag histogram of `server`: how many revocations it applied, and their summed lag. */
export async function fanoutLag(server: RunningServer): Promise<{ count: number; sumSeconds: number }> {
  const text = await (await send(server, '/metrics')).text();
  return {
    count: sampleValue(text, 'auth_revocation_fanout_lag_seconds_count') ?? 0,
    sumSeconds: sampleValue(text, 'auth_revocation_fanout_lag_seconds_sum') ?? 0,
  };
}

/** Polls until `server` refuses `token`; resolves with the milliseconds since `since`, or null after `timeoutMs`. */
export async function refusedAfter(
  server: RunningServer,
  token: string,
  since: number,
  timeoutMs: number,
): Promise<number | null> {
  while (Date.now() - since < timeoutMs) {
    if ((await userStatus(server, token)) === 401) return Date.now() - since;
    await sleep(2);
  }
  return null;
}

/** The `fraction` quantile (0–1) of `values`, nearest rank. */
export function quantile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}
