import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { findFreePort } from '../../scripts/free-port';

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';
const GALERA_PROVIDER = '/usr/lib/galera/libgalera_smm.so';
const READY_TIMEOUT_MS = 60_000;

/** One node of a private MariaDB Galera cluster: its own data directory and ports. */
interface NodeSpec {
  name: string;
  dataDir: string;
  sqlPort: number;
  /** Group communication (gcomm) port. */
  groupPort: number;
  /** Incremental state transfer: where a joiner receives the write-sets it missed. */
  istPort: number;
  /** Full state transfer (rsync daemon of a joiner). */
  sstPort: number;
}

/** A private three-node Galera cluster on 127.0.0.1, every node writable. */
export interface GaleraCluster {
  size: number;
  /** A mysql:// URL of `database` on node `index` (0-based), as root with no password. */
  url(index: number, database: string): string;
  /** Kills node `index` at once (SIGKILL), as a crashed machine would go. */
  kill(index: number): Promise<void>;
  /** Starts node `index` again; it rejoins the running cluster and resolves once it is synced. */
  rejoin(index: number): Promise<void>;
  /** Stops every node and deletes every data directory. */
  destroy(): Promise<void>;
}

async function run(command: string, args: string[]): Promise<void> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`${command} exited with ${String(code)}:\n${output}`);
}

/**
 * Readies a data directory for a state transfer into it. The joiner receives files through an rsync
 * daemon, which drops to `nobody` when started as root: it must be able to write every directory
 * and set the permissions of every file already there, so it must own them. Test clusters only.
 */
async function openToStateTransfer(dataDir: string): Promise<void> {
  await chmod(dataDir, 0o777);
  for (const entry of await readdir(dataDir, { recursive: true, withFileTypes: true })) {
    await chmod(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o777 : 0o666);
  }
  if (process.getuid?.() === 0) await run('chown', ['-R', 'nobody', dataDir]);
}

async function wsrepStatus(node: NodeSpec): Promise<{ state: string; size: number }> {
  const connection = await mysql.createConnection({
    host: '127.0.0.1',
    port: node.sqlPort,
    user: 'root',
    connectTimeout: 2_000,
  });
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>(
      "SHOW STATUS WHERE Variable_name IN ('wsrep_local_state_comment', 'wsrep_cluster_size')",
    );
    const value = (name: string): string => String(rows.find((row) => row.Variable_name === name)?.Value ?? '');
    return { state: value('wsrep_local_state_comment'), size: Number(value('wsrep_cluster_size')) };
  } finally {
    await connection.end();
  }
}

/**
 * Starts a three-node cluster the way an operator would without a package's scripts: node 1
 * bootstraps a new cluster on a fresh data directory and stops; nodes 2 and 3 get copies of that
 * directory, so when node 1 bootstraps again they join by incremental state transfer (IST) instead
 * of copying everything. About 20-40 s on two cores. Call `destroy()` in an `after` hook.
 */
export async function createGaleraCluster(): Promise<GaleraCluster> {
  const folder = await mkdtemp(path.join(tmpdir(), 'auth-galera-'));
  // The joiner's rsync daemon drops to an unprivileged user when started as root: every directory
  // on the way to a data directory must be open to it.
  await chmod(folder, 0o755);
  const nodes: NodeSpec[] = [];
  for (const name of ['node1', 'node2', 'node3']) {
    nodes.push({
      name,
      dataDir: path.join(folder, name),
      sqlPort: await findFreePort(),
      groupPort: await findFreePort(),
      istPort: await findFreePort(),
      sstPort: await findFreePort(),
    });
  }
  const user = `--user=${userInfo().username}`;
  const children = new Map<number, ChildProcess>();
  /** What each node printed since it last started, for the error of a node that fails to sync. */
  const logs = new Map<number, string>();
  const otherLogs = (index: number): string =>
    [...logs.entries()]
      .filter(([other]) => other !== index)
      .map(([other, log]) => `--- ${nodes[other]?.name ?? other}:\n${log.slice(-4000)}`)
      .join('\n');
  const killAllOnExit = (): void => {
    for (const child of children.values()) child.kill('SIGKILL');
  };
  process.once('exit', killAllOnExit);

  const clusterAddress = `gcomm://${nodes.map((node) => `127.0.0.1:${node.groupPort}`).join(',')}`;

  function args(node: NodeSpec, bootstrap: boolean): string[] {
    return [
      '--no-defaults',
      user,
      `--datadir=${node.dataDir}`,
      `--port=${node.sqlPort}`,
      '--bind-address=127.0.0.1',
      `--socket=${path.join(folder, `${node.name}.sock`)}`,
      `--pid-file=${path.join(folder, `${node.name}.pid`)}`,
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=32M',
      // What Galera requires: row-based replication, InnoDB, interleaved auto-increment locks.
      '--binlog-format=ROW',
      '--default-storage-engine=InnoDB',
      '--innodb-autoinc-lock-mode=2',
      '--wsrep-on=ON',
      `--wsrep-provider=${GALERA_PROVIDER}`,
      '--wsrep-cluster-name=auth-test',
      `--wsrep-cluster-address=${bootstrap ? 'gcomm://' : clusterAddress}`,
      `--wsrep-node-address=127.0.0.1:${node.groupPort}`,
      `--wsrep-node-name=${node.name}`,
      // A killed node is declared gone after a few seconds, not the default 15.
      `--wsrep-provider-options=base_port=${node.groupPort};ist.recv_addr=127.0.0.1:${node.istPort};gcache.size=64M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S`,
      '--wsrep-sst-method=rsync',
      `--wsrep-sst-receive-address=127.0.0.1:${node.sstPort}`,
      ...(bootstrap ? ['--wsrep-new-cluster'] : []),
    ];
  }

  /** Starts mariadbd on a node; resolves once it is synced with `expectedSize` nodes. */
  async function startNode(index: number, bootstrap: boolean, expectedSize: number): Promise<void> {
    const node = nodes[index];
    if (node === undefined) throw new Error(`no node ${index}`);
    let log = '';
    const child = spawn(MARIADBD, args(node, bootstrap), { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      logs.set(index, log);
    });
    children.set(index, child);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`${node.name} exited with ${child.exitCode}:\n${log.slice(-4000)}\n${otherLogs(index)}`);
      }
      const status = await wsrepStatus(node).catch(() => null);
      if (status !== null && status.state === 'Synced' && status.size >= expectedSize) return;
      if (Date.now() > deadline) {
        throw new Error(
          `${node.name} not synced after ${READY_TIMEOUT_MS} ms:\n${log.slice(-4000)}\n${otherLogs(index)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async function stopNode(index: number, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const child = children.get(index);
    if (child === undefined) return;
    children.delete(index);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }

  async function destroy(): Promise<void> {
    // Joiners first, so the last node standing shuts down cleanly.
    for (const index of [2, 1, 0]) await stopNode(index, 'SIGTERM');
    process.off('exit', killAllOnExit);
    await rm(folder, { recursive: true, force: true });
  }

  try {
    const [first] = nodes;
    if (first === undefined) throw new Error('no nodes');
    await mkdir(first.dataDir);
    await run(INSTALL_DB, [
      '--no-defaults',
      user,
      `--datadir=${first.dataDir}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ]);
    await startNode(0, true, 1);
    await stopNode(0, 'SIGTERM');
    for (const node of nodes) {
      if (node !== first) await cp(first.dataDir, node.dataDir, { recursive: true });
      await openToStateTransfer(node.dataDir);
    }
    await startNode(0, true, 1);
    await startNode(1, false, 2);
    await startNode(2, false, 3);
  } catch (error) {
    await destroy();
    throw error;
  }

  return {
    size: nodes.length,
    url(index, database) {
      const node = nodes[index];
      if (node === undefined) throw new Error(`no node ${index}`);
      return `mysql://root@127.0.0.1:${node.sqlPort}/${database}`;
    },
    kill: (index) => stopNode(index, 'SIGKILL'),
    async rejoin(index) {
      const node = nodes[index];
      if (node === undefined) throw new Error(`no node ${index}`);
      await openToStateTransfer(node.dataDir);
      await startNode(index, false, nodes.length);
    },
    destroy,
  };
}
