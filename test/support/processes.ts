import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

// Tests run compiled (build/test/support), so the driver is build/app.js, the build of app.ts.
const APP = path.resolve(__dirname, '..', '..', 'app.js');

export interface ProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningServer {
  child: ChildProcess;
  baseUrl: string;
  exited: Promise<number | null>;
  /** Everything the server has printed on stdout so far. */
  output: () => string;
  /** Everything the server has printed on stderr so far: crash traces land here. */
  errors: () => string;
}

function startApp(args: string[], options: ProcessOptions): ChildProcess {
  return spawn(process.execPath, [APP, ...args], options);
}

/** Runs the driver to completion and collects what it printed. */
export function runApp(args: string[], options: ProcessOptions): Promise<Outcome> {
  const child = startApp(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => {
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `--server` on a free port; resolves with its base URL once it logs "listening". */
export function startAppServer(options: ProcessOptions, extraArgs: string[] = []): Promise<RunningServer> {
  const child = startApp(['--server', ...extraArgs], {
    ...options,
    env: { ...options.env, PORT: '0', LOG_LEVEL: 'info' },
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)","msg":"listening"/.exec(output);
      if (match?.[1] !== undefined) {
        resolve({ child, baseUrl: match[1], exited, output: () => output, errors: () => errors });
      }
    });
    void exited.then((code) => {
      reject(new Error(`server exited with ${String(code)}: ${output}`));
    });
  });
}
