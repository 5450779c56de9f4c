import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { descendantPids } from './proc';

export const ROOT = path.resolve(__dirname, '..');
export const APP = path.join(ROOT, 'dist', 'app.js');

const OUTPUT_LIMIT_CHARS = 64 * 1024;
const STOP_TIMEOUT_MS = 15_000;
const LISTENING = '"msg":"listening"';

export interface StartedProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The last 64 KiB of stdout and stderr together. */
  output(): string;
  /** How many stdout lines announced `"msg":"listening"` so far. */
  listeningCount(): number;
  exited: Promise<number | null>;
}

const started = new Set<StartedProcess>();

/** Spawns `node <args>` in the project root and registers it, so `stopAll` can end it. */
export function startProcess(name: string, args: string[], env: NodeJS.ProcessEnv): StartedProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let pendingLine = '';
  let listening = 0;
  // Always drained: a full pipe would stall the server mid-benchmark.
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-OUTPUT_LIMIT_CHARS);
    const lines = (pendingLine + text).split('\n');
    pendingLine = lines.pop() ?? '';
    listening += lines.filter((line) => line.includes(LISTENING)).length;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT_CHARS);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', (error) => {
      output += `\n${error.message}`;
      resolve(null);
    });
    child.on('close', (code) => {
      resolve(code);
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  const handle = { name, child, pid: child.pid, output: () => output, listeningCount: () => listening, exited };
  started.add(handle);
  void exited.then(() => started.delete(handle));
  return handle;
}

/** Node arguments that run a TypeScript file through tsx, as `npm run bench` itself is run. */
export function tsxArgs(file: string, ...args: string[]): string[] {
  return ['--require', require.resolve('tsx/cjs'), path.join(__dirname, file), ...args];
}

function hasExited({ child }: StartedProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Runs a process to its end; rejects with its output when it exits non-zero. */
export async function runToCompletion(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const command = startProcess(name, args, env);
  const code = await command.exited;
  if (code !== 0) throw new Error(`${name} exited with code ${String(code)}:\n${command.output()}`);
  return command.output();
}

/** Resolves once `count` listening lines were printed (all cluster workers up); rejects on exit or timeout. */
export async function waitUntilListening(target: StartedProcess, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (target.listeningCount() < count) {
    if (hasExited(target)) throw new Error(`${target.name} exited before listening:\n${target.output()}`);
    if (Date.now() > deadline) {
      throw new Error(`${target.name} was not listening after ${timeoutMs} ms:\n${target.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True while `pid` is still the process we started: pids are reused once a process is gone. */
function isStill(pid: number, commandPart: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(commandPart);
  } catch {
    return false;
  }
}

/** SIGTERM; after a timeout SIGKILL for the process and the children it had (cluster workers). */
export async function stopProcess(target: StartedProcess): Promise<void> {
  if (hasExited(target)) return;
  const children = descendantPids(target.pid);
  const script = target.child.spawnargs.find((arg) => /\.[jt]s$/.test(arg)) ?? process.execPath;
  target.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    target.child.kill('SIGKILL');
    for (const pid of children) if (isStill(pid, script)) process.kill(pid, 'SIGKILL');
  }, STOP_TIMEOUT_MS);
  await target.exited;
  clearTimeout(timer);
}

/** Stops every process this run started that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((target) => stopProcess(target)));
}
