import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDatabaseUrl } from '../../src/config';
import { dropDatabase } from '../../src/db/database';
import type { ErrorCode } from '../../src/errors/catalogue';
import { testConfig } from '../support/config';
import { runApp, startAppServer } from '../support/processes';

/**
 * The README's shell blocks, run verbatim with bash against freshly started servers, as a newcomer pastes them.
 * A block marked `<!-- readme-test: GROUP -->` runs with the other blocks of its group, in one shell, in README
 * order; a block marked `<!-- readme-test: GROUP server -->` says how the group's server starts
 * (`KEY=value … npm start`); a group without one runs against the default server, as `npm start` starts it.
 */
const README = path.resolve(__dirname, '..', '..', '..', 'README.md');
const MARKER = /^<!-- readme-test: ([a-z-]+)( server)? -->$/;
/** The address every README block calls; the test swaps in its own server's. */
const README_BASE_URL = 'http://127.0.0.1:3000';
/** A shell function definition in a block, from `name() {` to the `}` that closes it at the line start. */
const SHELL_FUNCTION = /^[A-Za-z_][A-Za-z0-9_]*\(\) \{\n[\s\S]*?\n\}\n/gm;
/** Printed after each block, so the output can be split per block. */
const BLOCK_END = '@@ end of README block @@';

interface Group {
  name: string;
  /** The settings its `npm start` line sets; none for the default server. */
  serverSettings: Record<string, string>;
  blocks: string[];
}

/** What one line of a block's output must be: an answer with these fields, or an error with one of these codes. */
type ExpectedAnswer = { fields: string[]; absent?: string[] } | { error: ErrorCode[] };

/** One list per block of the group, one entry per answer the block prints, in order. */
const EXPECTED: Record<string, ExpectedAnswer[][]> = {
  walkthrough: [
    [{ fields: ['status', 'message'] }],
    [
      { fields: ['status', 'message'] },
      { fields: ['user', 'access_token', 'refresh_token'] },
      { fields: ['user'] },
      { fields: ['message'] },
      { error: ['TOKEN_REVOKED'] },
    ],
    [
      { fields: ['access_token', 'refresh_token'] },
      { fields: ['sessions'] },
      { fields: ['message'] },
      { error: ['TOKEN_REVOKED'] },
    ],
  ],
  'cookie-mode': [
    [
      { fields: ['user', 'csrf_token'], absent: ['access_token', 'refresh_token'] },
      { fields: ['user'] },
      { fields: ['csrf_token'], absent: ['access_token', 'refresh_token'] },
      { error: ['CSRF_TOKEN_INVALID'] },
      { fields: ['message'] },
      // A browser drops the cleared cookies (UNAUTHENTICATED); curl 7.88 keeps the HttpOnly ones in its jar.
      { error: ['UNAUTHENTICATED', 'TOKEN_REVOKED'] },
    ],
  ],
};

/** The marked blocks of the README, grouped, in README order. */
function readmeGroups(markdown: string): Group[] {
  const lines = markdown.split('\n');
  const groups = new Map<string, Group>();
  lines.forEach((line, index) => {
    const marker = MARKER.exec(line);
    if (marker === null) return;
    const [, name = '', server] = marker;
    const fence = lines.findIndex((candidate, at) => at > index && candidate.trim() !== '');
    if (lines[fence] !== '```sh') throw new Error(`README line ${index + 1}: the marker is not followed by a sh block`);
    const end = lines.findIndex((candidate, at) => at > fence && candidate === '```');
    const script = `${lines.slice(fence + 1, end).join('\n')}\n`;
    const group = groups.get(name) ?? { name, serverSettings: {}, blocks: [] };
    groups.set(name, group);
    if (server === undefined) group.blocks.push(script);
    else group.serverSettings = settingsOf(script);
  });
  return [...groups.values()];
}

/** The first line of each sh block that runs curl without a marker before it: a block nothing runs can rot. */
function unmarkedCurlBlocks(markdown: string): number[] {
  const lines = markdown.split('\n');
  return lines.flatMap((line, index) => {
    if (line !== '```sh') return [];
    const end = lines.findIndex((candidate, at) => at > index && candidate === '```');
    const runsCurl = lines.slice(index + 1, end).some((candidate) => /(^|[\s$(])curl /.test(candidate));
    const marker = lines
      .slice(0, index)
      .filter((candidate) => candidate.trim() !== '')
      .pop();
    return runsCurl && !MARKER.test(marker ?? '') ? [index + 1] : [];
  });
}

/** `COOKIE_MODE=true COOKIE_SECURE=false npm start` → { COOKIE_MODE: 'true', COOKIE_SECURE: 'false' }. */
function settingsOf(script: string): Record<string, string> {
  const startLine = /^((?:[A-Z][A-Z0-9_]*=\S+ +)*)npm start$/.exec(script.trim());
  if (startLine === null) throw new Error(`a server block must be one "KEY=value … npm start" line, not: ${script}`);
  const assignments = [...(startLine[1] ?? '').matchAll(/([A-Z][A-Z0-9_]*)=(\S+)/g)];
  return Object.fromEntries(assignments.map(([, key = '', value = '']): [string, string] => [key, value]));
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

interface ShellRun {
  code: number | null;
  /** The output of each block that ran to its end. */
  blockOutputs: string[];
  stdout: string;
  stderr: string;
}

/** Runs the blocks in one bash, stopping at the first failing command, with the README's address swapped for ours. */
function runBlocks(blocks: string[], baseUrl: string, cwd: string): Promise<ShellRun> {
  const script = blocks
    .map((block) => {
      expect(block, 'a README block calls the server of npm start').to.include(README_BASE_URL);
      const ours = block.replaceAll(README_BASE_URL, baseUrl);
      expect(ours.match(/https?:\/\/[^/\s'"]+/g) ?? [], 'a README block calls no other server').to.satisfy(
        (origins: string[]) => origins.every((origin) => origin === baseUrl),
      );
      return `${ours}printf '%s\\n' '${BLOCK_END}'\n`;
    })
    .join('');
  const env = { PATH: newcomerEnvironment('').PATH, HOME: process.env.HOME };
  const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const blockOutputs = stdout.split(`${BLOCK_END}\n`).slice(0, -1);
      resolve({ code, blockOutputs, stdout, stderr });
    });
  });
}

function expectAnswer(line: string, expected: ExpectedAnswer, where: string): void {
  let answer: unknown;
  try {
    answer = JSON.parse(line);
  } catch {
    expect.fail(`${where} is not one JSON answer (answers run together without a newline?): ${line}`);
  }
  if ('error' in expected) {
    expect(answer, where).to.have.nested.property('error.code').that.is.oneOf(expected.error);
    return;
  }
  expect(answer, where).to.include.keys(expected.fields).and.not.to.have.property('error');
  if (expected.absent !== undefined) expect(answer, where).not.to.have.any.keys(expected.absent);
}

/** A throwaway database migrated by `--create` in a directory of its own, as `npm start` does on first run. */
async function createDatabase(
  suffix: string,
): Promise<{ databaseUrl: string; cwd: string; drop: () => Promise<void> }> {
  const databaseUrl = `${testConfig().databaseUrl}${suffix}`;
  const target = { databaseUrl, database: parseDatabaseUrl(databaseUrl) };
  await dropDatabase(target);
  // `--create` writes the generated JWT secret into this directory's .env, which `--server` then reads.
  const cwd = mkdtempSync(path.join(tmpdir(), 'readme-'));
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

describe('README walkthrough blocks', function () {
  this.timeout(180_000);
  const markdown = readFileSync(README, 'utf8');
  const groups = readmeGroups(markdown);

  it('marks every block that runs curl, and this test knows what each prints', () => {
    expect(unmarkedCurlBlocks(markdown), 'README lines of unmarked curl blocks').to.deep.equal([]);
    expect(groups.map((group) => group.name)).to.have.members(Object.keys(EXPECTED));
    for (const group of groups) {
      expect(group.blocks.length, `${group.name}: blocks in the README`).to.equal(EXPECTED[group.name]?.length);
    }
    expect(groups.find((group) => group.name === 'cookie-mode')?.serverSettings).to.deep.equal({
      COOKIE_MODE: 'true',
      COOKIE_SECURE: 'false',
    });
  });

  it('each block exits 0 and prints the expected answers, one per line, on a fresh database', async () => {
    const database = await createDatabase('_readme');
    try {
      // In README order on one database, as a newcomer goes: the cookie-mode blocks use the walkthrough's account.
      for (const group of groups) {
        const run = await withServer(group, database, (baseUrl) => runBlocks(group.blocks, baseUrl, database.cwd));
        const context = `${group.name}: block ${run.blockOutputs.length + 1} failed:\n${run.stdout}\n${run.stderr}`;
        expect(run.code, context).to.equal(0);
        expect(run.stderr, `${group.name}: nothing on stderr`).to.equal('');
        run.blockOutputs.forEach((output, index) => {
          const where = `${group.name} block ${index + 1}`;
          expect(output, `${where} ends its last answer with a newline`).to.match(/(^|\n)$/);
          const answers = output.split('\n').slice(0, -1);
          const expected = EXPECTED[group.name]?.[index] ?? [];
          expect(answers, `${where} prints one answer per line`).to.have.lengthOf(expected.length);
          answers.forEach((line, at) => {
            expectAnswer(line, expected[at] ?? { fields: [] }, `${where}, answer ${at + 1}`);
          });
        });
      }
    } finally {
      await database.drop();
    }
  });

  it('a block whose login fails stops with the server’s answer, never with a made-up token', async () => {
    // No account on this database: each block that logs in without signing up must fail loudly. It runs after
    // the shell functions its group defines (json_field), as for a newcomer who skipped the signup.
    const database = await createDatabase('_readme_empty');
    try {
      const loginBlocks = groups.flatMap((group) => {
        const functions = group.blocks.flatMap((block) => block.match(SHELL_FUNCTION) ?? []).join('');
        return group.blocks
          .filter((block) => block.includes('/auth/login') && !block.includes('/auth/signup'))
          .map((block) => ({ group, script: `${functions}${block}` }));
      });
      expect(loginBlocks.length, 'blocks that log in to an existing account').to.be.at.least(2);
      for (const { group, script } of loginBlocks) {
        const run = await withServer(group, database, (baseUrl) => runBlocks([script], baseUrl, database.cwd));
        const context = `${group.name}:\n${run.stdout}\n${run.stderr}`;
        expect(run.code, context).not.to.equal(0);
        expect(`${run.stdout}${run.stderr}`, context).to.include('INVALID_CREDENTIALS');
        expect(run.stdout, context).not.to.include('TOKEN_INVALID');
      }
    } finally {
      await database.drop();
    }
  });
});
