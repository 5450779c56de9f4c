/**
 * The least a refresh can cost in server CPU on this machine, whatever the server is built on: a bare
 * node:http server (no Koa, no router, no log line, no metrics, no validation) that answers each POST
 * with `trips` round trips to MySQL (`SELECT ?` through mysql2's callback API, one after the other),
 * a SHA-256 of the token presented, a JWT signed with a KeyObject, a random refresh token and a JSON body. It is loaded and measured
 * as `bash bench/cpu-per-request.sh --refresh 32` measures the server: the server pinned to CPU 0,
 * 32 chains of sequential requests from this process (run it pinned to CPU 1), server CPU read from
 * /proc. Compare its figures with the server's, measured in the same hour.
 *
 *   taskset -c 1 npx tsx bench/refresh-floor.ts [--trips 0,4] [--rounds 4] [--seconds 6]
 */
import { spawn } from 'node:child_process';
import { createHash, createSecretKey, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import mysql from 'mysql2';
import { readTokenPair } from './fixtures';
import { treeCpuSeconds } from './proc';
import { tsxArgs } from './processes';

const HOST = '127.0.0.1';
const CHAINS = 32;
const WARMUP_SECONDS = 4;

async function serve(trips: number): Promise<void> {
  const pool = mysql.createPool({
    uri: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306',
    connectionLimit: 10,
  });
  const key = createSecretKey(randomBytes(48));
  const query = (left: number, done: () => void): void => {
    if (left === 0) {
      done();
      return;
    }
    pool.query('SELECT ? AS n', [left], (error) => {
      if (error !== null) throw error;
      query(left - 1, done);
    });
  };
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      query(trips, () => {
        const presented: unknown = JSON.parse(body);
        const token =
          typeof presented === 'object' && presented !== null && 'refresh_token' in presented
            ? String(presented.refresh_token)
            : '';
        // As a refresh looks its row up by the token's hash.
        const sid = createHash('sha256').update(token).digest('base64url');
        const accessToken = jwt.sign({ sid, jti: randomUUID() }, key, { algorithm: 'HS256', expiresIn: 900 });
        const refreshToken = randomBytes(32).toString('base64url');
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ access_token: accessToken, refresh_token: refreshToken, token_type: 'Bearer' }));
      });
    });
  });
  server.listen(0, HOST);
  await once(server, 'listening');
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
}

/** `CHAINS` chains of refreshes for `seconds`, each sending the token of its previous answer; the count. */
async function load(url: string, seconds: number): Promise<number> {
  const until = Date.now() + seconds * 1000;
  let requests = 0;
  await Promise.all(
    Array.from({ length: CHAINS }, async () => {
      let token = randomBytes(32).toString('base64url');
      while (Date.now() < until) {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refresh_token: token }),
        });
        token = readTokenPair(await response.json()).refreshToken;
        requests += 1;
      }
    }),
  );
  return requests;
}

async function measure(trips: number, rounds: number, seconds: number): Promise<number[]> {
  const server = spawn(
    'taskset',
    ['-c', '0', process.execPath, ...tsxArgs('refresh-floor.ts', 'serve', String(trips))],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const [line] = (await once(server.stdout, 'data')) as [Buffer];
    const { port } = JSON.parse(line.toString()) as { port: number };
    const url = `http://${HOST}:${port}/auth/refresh`;
    await load(url, WARMUP_SECONDS);
    const figures: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const before = treeCpuSeconds(server.pid ?? 0);
      const requests = await load(url, seconds);
      figures.push(Math.round(((treeCpuSeconds(server.pid ?? 0) - before) * 1e6) / requests));
    }
    return figures;
  } finally {
    server.kill('SIGTERM');
  }
}

async function main(args: string[]): Promise<void> {
  if (args[0] === 'serve') return serve(Number(args[1]));
  const option = (name: string, fallback: string): string => {
    const index = args.indexOf(name);
    return index === -1 ? fallback : (args[index + 1] ?? fallback);
  };
  for (const trips of option('--trips', '0,4').split(',').map(Number)) {
    const figures = await measure(trips, Number(option('--rounds', '4')), Number(option('--seconds', '6')));
    const sorted = [...figures].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(
      `${trips} round trips: µs of server CPU per request: min ${sorted[0]}, median ${median} (${figures.join(' ')})`,
    );
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
