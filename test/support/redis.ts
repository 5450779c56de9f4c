import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import request from 'supertest';
import { findFreePort } from '../../scripts/free-port';
import { connectRedis, type RedisConnections } from '../../src/db/redis';
import { createApp } from '../../src/server';
import { silentLogger, testConfig } from './config';

/** The Redis this machine runs (CI too); every test namespaces its keys and channel with a fresh prefix. */
export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

const READY_TIMEOUT_MS = 20_000;

/** A key prefix no other test (or engineer) uses. */
export function randomKeyPrefix(): string {
  return `test:${randomBytes(6).toString('hex')}:`;
}

/** Polls `condition` every 20 ms until it holds; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Opens the server's own Redis connections for `overrides` (REDIS_URL…), resolving once both are up. */
export async function openRedis(overrides: Record<string, string>): Promise<RedisConnections> {
  const settings = testConfig(overrides).redis;
  if (settings === null) throw new Error('openRedis needs REDIS_URL');
  const redis = connectRedis(settings, silentLogger);
  await waitFor(() => redis.isUp());
  return redis;
}

/** A plain client of the test's own, to look at what the server wrote. */
export function inspector(url = LOCAL_REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1 });
}

/** Apps of one suite on the machine's Redis, each test under a key prefix of its own. */
export interface RedisApps {
  /** This test's prefix: every key and the revocation channel start with it. */
  keyPrefix(): string;
  /** An app on its own Redis connections (two of them behave like two instances). */
  instance: (overrides?: Record<string, string>) => Promise<ReturnType<typeof request>>;
}

/**
 * Registers the hooks of a suite whose apps use the local Redis: a fresh prefix before each test;
 * after it, the apps' connections closed and the prefix's keys deleted, once `checkKeys` (if any)
 * has looked at them.
 */
export function useRedisApps(
  settings: Record<string, string> = {},
  checkKeys: (keys: string[]) => void = () => undefined,
): RedisApps {
  let keyPrefix = '';
  let opened: RedisConnections[] = [];

  beforeEach(() => {
    keyPrefix = randomKeyPrefix();
    opened = [];
  });

  afterEach(async () => {
    for (const redis of opened) redis.close();
    const client = inspector();
    try {
      const keys = await client.keys(`${keyPrefix}*`);
      checkKeys(keys);
      if (keys.length > 0) await client.del(...keys);
    } finally {
      client.disconnect();
    }
  });

  return {
    keyPrefix: () => keyPrefix,
    instance: async (overrides = {}) => {
      const config = { ...settings, REDIS_URL: LOCAL_REDIS_URL, REDIS_KEY_PREFIX: keyPrefix, ...overrides };
      const redis = await openRedis(config);
      opened.push(redis);
      return request(createApp({ config: testConfig(config), logger: silentLogger, redis }).callback());
    },
  };
}

/** A redis-server of the test's own, on a free port with no persistence, to kill and restart at will. */
export interface ThrowawayRedis {
  url: string;
  start(): Promise<void>;
  /** SIGKILL, then waits for the process to exit. */
  kill(): Promise<void>;
}

/** A certificate and key for redis-server, and the CA file that signed them. */
export interface RedisTls {
  certFile: string;
  keyFile: string;
  caFile: string;
  /** A client certificate of the CA: the server then refuses any client that shows none (tls-auth-clients yes). */
  client?: { certFile: string; keyFile: string };
}

/** The PEM texts of a client certificate and its key, as Node's TLS options take them. */
const clientFiles = (client: RedisTls['client']) =>
  client === undefined
    ? {}
    : { cert: readFileSync(client.certFile, 'utf8'), key: readFileSync(client.keyFile, 'utf8') };

/**
 * With `tls`, the server takes TLS only (rediss://localhost:port, the certificate must name
 * localhost) and asks a certificate of its clients only with `tls.client`; without, plain TCP on 127.0.0.1.
 */
export async function createThrowawayRedis(tls: RedisTls | null = null): Promise<ThrowawayRedis> {
  const port = await findFreePort();
  const url = tls === null ? `redis://127.0.0.1:${port}` : `rediss://localhost:${port}`;
  const listening =
    tls === null
      ? ['--port', String(port)]
      : [
          '--port',
          '0',
          '--tls-port',
          String(port),
          '--tls-cert-file',
          tls.certFile,
          '--tls-key-file',
          tls.keyFile,
        ].concat(['--tls-ca-cert-file', tls.caFile, '--tls-auth-clients', tls.client === undefined ? 'no' : 'yes']);
  let child: ChildProcess | null = null;
  return {
    url,
    async start() {
      const started = spawn('redis-server', [...listening, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: 'ignore',
      });
      child = started;
      const probe = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        ...(tls === null ? {} : { tls: { ca: readFileSync(tls.caFile, 'utf8'), ...clientFiles(tls.client) } }),
      });
      probe.on('error', () => undefined);
      try {
        await waitFor(async () => {
          if (started.exitCode !== null) throw new Error(`redis-server exited with ${started.exitCode}`);
          try {
            if (probe.status !== 'ready') await probe.connect();
            await probe.ping();
            return true;
          } catch {
            probe.disconnect();
            return false;
          }
        }, READY_TIMEOUT_MS);
      } finally {
        probe.disconnect();
      }
    },
    async kill() {
      const running = child;
      child = null;
      if (running === null || running.exitCode !== null) return;
      const exited = once(running, 'exit');
      running.kill('SIGKILL');
      await exited;
    },
  };
}
