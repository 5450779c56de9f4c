/**
 * The load of `bash bench/cpu-per-request.sh --refresh`: chains of refreshes, each chain one
 * session sending its newest refresh token as soon as the last answer came. The chains' tokens live
 * in a file between runs, so no login (bcrypt) falls inside a measured run.
 *
 *   tsx bench/refresh-chains.ts start <base-url> <token-file> <chains>   signs up one user per chain
 *   tsx bench/refresh-chains.ts run <base-url> <token-file> <seconds>    prints the refreshes made
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { readTokenPair } from './fixtures';

async function post(url: string, body: object, expectedStatus: number): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expectedStatus) throw new Error(`POST ${url}: ${response.status} ${text}`);
  return readTokenPair(JSON.parse(text)).refreshToken;
}

async function start(baseUrl: string, tokenFile: string, chains: number): Promise<void> {
  const tokens = await Promise.all(
    Array.from({ length: chains }, () =>
      post(
        `${baseUrl}/auth/signup`,
        { email: `chain-${randomUUID()}@example.com`, password: 'bench password 1', name: 'Chain' },
        201,
      ),
    ),
  );
  writeFileSync(tokenFile, tokens.join('\n'));
}

async function run(baseUrl: string, tokenFile: string, seconds: number): Promise<void> {
  const tokens = readFileSync(tokenFile, 'utf8').split('\n');
  const until = Date.now() + seconds * 1000;
  let refreshes = 0;
  await Promise.all(
    tokens.map(async (first, index) => {
      let token = first;
      while (Date.now() < until) {
        token = await post(`${baseUrl}/auth/refresh`, { refresh_token: token }, 200);
        tokens[index] = token;
        refreshes += 1;
      }
    }),
  );
  writeFileSync(tokenFile, tokens.join('\n'));
  console.log(refreshes);
}

const [command, baseUrl, tokenFile, count] = process.argv.slice(2);
if ((command !== 'start' && command !== 'run') || baseUrl === undefined || tokenFile === undefined) {
  console.error('usage: tsx bench/refresh-chains.ts start|run <base-url> <token-file> <chains|seconds>');
  process.exit(2);
}
(command === 'start' ? start : run)(baseUrl, tokenFile, Number(count)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
