import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropDatabase } from '../../src/db/database';
import { ERRORS } from '../../src/errors/catalogue';
import { testConfig } from '../support/config';
import {
  markdownPages,
  mismatch,
  parseShownAnswer,
  readPage,
  ROOT,
  shownErrorCodes,
  unmarkedCurlBlocks,
  walkthroughGroups,
  type Block,
  type Group,
} from '../support/doc-pages';
import { runApp, startAppServer } from '../support/processes';

/**
 * The walkthrough: every shell block of README.md and docs/ marked `<!-- walkthrough: GROUP -->`, run verbatim
 * with bash against a freshly started server, as a reader pastes them, and checked against the ```text block the
 * page shows after it (one answer per line, `…` for what varies) and against the HTTP status of every curl call.
 * The blocks of a group run in one shell, in page order; `<!-- walkthrough: GROUP server -->` before a
 * `KEY=value … npm start` line says how the group's server starts. Each page gets a fresh database.
 */
const BASE_URL = 'http://127.0.0.1:3000';
/** A shell function definition, from `name() {` to the `}` that closes it at the line start, or a sourced file. */
const SHELL_HELPER = /^[A-Za-z_][A-Za-z0-9_]*\(\) \{\n[\s\S]*?\n\}\n|^\. \S+.*\n/gm;
/** Printed after each block, so the output can be split per block. */
const BLOCK_END = '@@ end of walkthrough block @@';
/** Records each curl call's response headers in its own file, named by the time, so the statuses come in order. */
const CURL_RECORDER = 'curl() { command curl -D "$WALKTHROUGH_HEADERS/$(date +%s%N)" "$@"; }\n';

const PAGES = markdownPages();

interface ShellRun {
  code: number | null;
  /** The output of each block that ran to its end. */
  blockOutputs: string[];
  /** The HTTP status of each curl call, per block. */
  statuses: number[][];
  stdout: string;
  stderr: string;
}

/** Runs the scripts in one bash from the repository root, stopping at the first failing command. */
function runScripts(scripts: string[], baseUrl: string): Promise<ShellRun> {
  const headers = mkdtempSync(path.join(tmpdir(), 'walkthrough-'));
  const script = scripts
    .map((block, index) => {
      const ours = block.replaceAll(BASE_URL, baseUrl);
      expect(ours.match(/https?:\/\/[^/\s'"]+/g) ?? [], 'a block calls no other server').to.satisfy(
        (origins: string[]) => origins.every((origin) => origin === baseUrl),
      );
      const directory = path.join(headers, String(index));
      return `mkdir -p '${directory}'; WALKTHROUGH_HEADERS='${directory}'\n${ours}printf '%s\\n' '${BLOCK_END}'\n`;
    })
    .join('');
  const env = {
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: process.env.HOME,
  };
  const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', `${CURL_RECORDER}${script}`], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const statuses = scripts.map((_, index) => statusesIn(path.join(headers, String(index))));
      rmSync(headers, { recursive: true, force: true });
      resolve({ code, blockOutputs: stdout.split(`${BLOCK_END}\n`).slice(0, -1), statuses, stdout, stderr });
    });
  });
}

/** The status of each recorded response, in call order. */
function statusesIn(directory: string): number[] {
  let files: string[];
  try {
    files = readdirSync(directory).sort();
  } catch {
    return [];
  }
  return files.map((file) => {
    const lines = readFileSync(path.join(directory, file), 'utf8').match(/^HTTP\/\S+ (\d{3})/gm) ?? [];
    return Number(lines.at(-1)?.split(' ')[1] ?? 0);
  });
}

/** Checks one block's output against the answers its page shows, and its statuses against their error codes. */
function expectBlock(block: Block, output: string, statuses: number[], where: string): void {
  expect(output, `${where} ends its last answer with a newline`).to.match(/(^|\n)$/);
  const printed = output.split('\n').slice(0, -1);
  expect(printed, `${where} prints what the page shows, one answer per line`).to.have.lengthOf(block.answers.length);
  const shown = block.answers.map((answer) => (/^[[{]/.test(answer) ? parseShownAnswer(answer) : answer));
  printed.forEach((line, index) => {
    const answer = shown[index];
    let actual: unknown = line;
    if (typeof answer === 'object') {
      try {
        actual = JSON.parse(line);
      } catch {
        expect.fail(`${where}, line ${index + 1} is not one JSON answer: ${line}`);
      }
    }
    expect(mismatch(actual, answer), `${where}, line ${index + 1}: ${line}`).to.equal(null);
  });
  const errors = shown.map(shownErrorCodes).filter((codes) => codes.length > 0);
  const refused = statuses.filter((status) => status < 200 || status >= 300);
  expect(refused.length, `${where}: curl calls answered non-2xx (${statuses.join(', ')})`).to.equal(errors.length);
  errors.forEach((codes, index) => {
    const allowed = codes.map((code) => {
      expect(ERRORS, `${where} shows a catalogue code`).to.have.property(code);
      return ERRORS[code as keyof typeof ERRORS].status;
    });
    expect(refused[index], `${where}: status of the answer ${codes.join('|')}`).to.be.oneOf(allowed);
  });
}

/** A throwaway database migrated by `--create` in a directory of its own, as `npm start` does on first run. */
async function createDatabase(page: string): Promise<{ databaseUrl: string; cwd: string; drop: () => Promise<void> }> {
  const suffix = path
    .basename(page, '.md')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 24);
  const databaseUrl = `${testConfig().databaseUrl}_walk_${suffix}`;
  const target = testConfig({ TEST_DATABASE_URL: databaseUrl });
  await dropDatabase(target);
  // `--create` writes the generated JWT secret into this directory's .env, which `--server` then reads.
  const cwd = mkdtempSync(path.join(tmpdir(), 'walkthrough-server-'));
  const created = await runApp(['--create'], { cwd, env: newcomerEnvironment(databaseUrl) });
  expect(created.code, created.stderr).to.equal(0);
  return {
    databaseUrl,
    cwd,
    drop: async () => {
      rmSync(cwd, { recursive: true, force: true });
      await dropDatabase(target);
    },
  };
}

/** A newcomer's environment: none of the developer's or CI's settings, only PATH (and c8's coverage directory). */
function newcomerEnvironment(databaseUrl: string, settings: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: process.env.HOME,
    NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE,
    DATABASE_URL: databaseUrl,
    ...settings,
  };
}

/** Starts the group's server on the database, runs `work` against its address, stops it. */
async function withServer<T>(
  group: Group,
  database: { databaseUrl: string; cwd: string },
  work: (baseUrl: string) => Promise<T>,
): Promise<T> {
  const env = newcomerEnvironment(database.databaseUrl, group.serverSettings);
  const server = await startAppServer({ cwd: database.cwd, env });
  try {
    return await work(server.baseUrl);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

describe('the walkthrough (README.md and docs/)', function () {
  this.timeout(300_000);

  it('marks every block that runs curl, and every marked block calls the server of npm start', () => {
    for (const page of PAGES) {
      const markdown = readPage(page);
      expect(unmarkedCurlBlocks(markdown), `${page}: lines of unmarked curl blocks`).to.deep.equal([]);
      for (const group of walkthroughGroups(page, markdown)) {
        for (const block of group.blocks) {
          if (/(^|[\s$(])curl /.test(block.script)) expect(block.script, `${page}:${block.line}`).to.include(BASE_URL);
        }
      }
    }
    expect(walkthroughGroups('README.md', readPage('README.md')), 'README has a quick start').not.to.be.empty;
  });

  for (const page of PAGES) {
    const groups = walkthroughGroups(page, readPage(page));
    if (groups.length === 0) continue;
    it(`${page}: each block exits 0 and prints what the page shows, on a fresh database`, async () => {
      const database = await createDatabase(page);
      try {
        for (const group of groups) {
          const scripts = group.blocks.map((block) => block.script);
          const run = await withServer(group, database, (baseUrl) => runScripts(scripts, baseUrl));
          const failed = group.blocks[run.blockOutputs.length];
          const context = `${page} ${group.name}: block at line ${failed?.line ?? '?'} failed:\n${run.stdout}\n${run.stderr}`;
          expect(run.code, context).to.equal(0);
          expect(run.stderr, `${page} ${group.name}: nothing on stderr`).to.equal('');
          group.blocks.forEach((block, index) => {
            expectBlock(block, run.blockOutputs[index] ?? '', run.statuses[index] ?? [], `${page}:${block.line}`);
          });
        }
      } finally {
        await database.drop();
      }
    });
  }

  it('a block whose login fails stops with the server’s answer, never with a made-up token', async () => {
    // No account on this database: each block that keeps a login's tokens must fail loudly, after the helpers its
    // group defines or sources (json_field), as for a reader who skipped the signup.
    const database = await createDatabase('no-accounts');
    try {
      const loginBlocks = PAGES.flatMap((page) =>
        walkthroughGroups(page, readPage(page)).flatMap((group) => {
          const helpers = group.blocks.flatMap((block) => block.script.match(SHELL_HELPER) ?? []).join('');
          return group.blocks
            .filter(
              (block) => /=\$\(curl [^)]*\/auth\/login/.test(block.script) && !block.script.includes('/auth/signup'),
            )
            .map((block) => ({ group, where: `${page}:${block.line}`, script: `${helpers}${block.script}` }));
        }),
      );
      expect(loginBlocks.length, 'blocks that log in to an existing account').to.be.at.least(2);
      for (const { group, where, script } of loginBlocks) {
        const run = await withServer(group, database, (baseUrl) => runScripts([script], baseUrl));
        const context = `${where}:\n${run.stdout}\n${run.stderr}`;
        expect(run.code, context).not.to.equal(0);
        expect(`${run.stdout}${run.stderr}`, context).to.include('INVALID_CREDENTIALS');
        expect(run.stdout, context).not.to.include('TOKEN_INVALID');
      }
    } finally {
      await database.drop();
    }
  });
});
