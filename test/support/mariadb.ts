import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../scripts/free-port';

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';
const READY_TIMEOUT_MS = 20_000;

/** A MariaDB server of the test's own, on its own port and data directory, to take down at will. */
export interface ThrowawayMariaDb {
  port: number;
  /** A mysql:// URL of `database` on this server, as root with no password. */
  url(database: string): string;
  /** Starts mariadbd on the data directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Sends `signal` to mariadbd; SIGKILL and SIGTERM also wait for it to exit. */
  signal(signal: 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT'): Promise<void>;
  /** Stops mariadbd if it runs (even when paused) and deletes the data directory. */
  destroy(): Promise<void>;
}

/** Runs a command to completion; rejects with its output when it fails. */
async function run(command: string, args: string[]): Promise<void> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`${command} exited with ${String(code)}:\n${output}`);
}

/** Resolves when mariadbd logs that it listens; rejects if it exits or takes too long first. */
function untilReady(child: ChildProcess, log: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`mariadbd not ready after ${READY_TIMEOUT_MS} ms:\n${log()}`));
    }, READY_TIMEOUT_MS);
    child.stderr?.on('data', () => {
      if (log().includes('ready for connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mariadbd exited with ${String(code)} before it was ready:\n${log()}`));
    });
  });
}

/**
 * Installs a fresh data directory in a temporary folder (about a second) and picks a free port;
 * `serverOptions` are added to mariadbd's command line (`--ssl-cert=…`).
 * Nothing runs until `start()`; call `destroy()` in an `after` hook so the server never outlives
 * the test run.
 */
export async function createThrowawayMariaDb(serverOptions: readonly string[] = []): Promise<ThrowawayMariaDb> {
  const folder = await mkdtemp(path.join(tmpdir(), 'auth-outage-'));
  const dataDir = path.join(folder, 'data');
  const user = `--user=${userInfo().username}`;
  await run(INSTALL_DB, [
    '--no-defaults',
    user,
    `--datadir=${dataDir}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
  ]);
  const port = await findFreePort();
  const args = [
    '--no-defaults',
    user,
    `--datadir=${dataDir}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${path.join(folder, 'mariadb.sock')}`,
    `--pid-file=${path.join(folder, 'mariadb.pid')}`,
    '--skip-log-bin',
    '--skip-name-resolve',
    '--innodb-buffer-pool-size=16M',
    ...serverOptions,
  ];
  let child: ChildProcess | null = null;
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  async function signal(name: 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    const running = child;
    if (running === null) throw new Error('mariadbd is not running');
    const exited = running.exitCode === null && running.signalCode === null ? once(running, 'exit') : null;
    running.kill(name);
    if (name === 'SIGKILL' || name === 'SIGTERM') {
      // A paused server only acts on SIGTERM once it runs again.
      if (name === 'SIGTERM') running.kill('SIGCONT');
      await exited;
      child = null;
    }
  }

  return {
    port,
    url: (database) => `mysql://root@127.0.0.1:${port}/${database}`,
    async start() {
      if (child !== null) throw new Error('mariadbd is already running');
      let log = '';
      const started = spawn(MARIADBD, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      started.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
      child = started;
      await untilReady(started, () => log);
    },
    signal,
    async destroy() {
      if (child !== null) await signal('SIGTERM');
      process.off('exit', killOnExit);
      await rm(folder, { recursive: true, force: true });
    },
  };
}
