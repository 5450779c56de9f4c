import { expect } from 'chai';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_SECRET } from '../support/config';
import { sampleValue } from '../support/metrics';
import { startAppServer, type RunningServer } from '../support/processes';

const environment = (overrides: Record<string, string>): NodeJS.ProcessEnv => ({
  ...process.env,
  NODE_ENV: 'test',
  JWT_SECRET: TEST_SECRET,
  BCRYPT_ROUNDS: '4',
  PURGE_INTERVAL_SECONDS: '0',
  ...overrides,
});

/** Starts the server, runs `check`, and always stops it; it must exit 0. */
async function withServer(
  overrides: Record<string, string>,
  extraArgs: string[],
  check: (server: RunningServer) => Promise<void>,
): Promise<void> {
  const server = await startAppServer({ cwd: tmpdir(), env: environment(overrides) }, extraArgs);
  try {
    await check(server);
  } finally {
    server.child.kill('SIGTERM');
  }
  expect(await server.exited).to.equal(0);
}

/** Waits for a log line matching `pattern` and returns its first capture. */
async function waitForLog(server: RunningServer, pattern: RegExp): Promise<string> {
  for (;;) {
    const match = pattern.exec(server.output());
    if (match?.[1] !== undefined) return match[1];
    await sleep(25);
  }
}

const metricsUrl = (server: RunningServer): Promise<string> =>
  waitForLog(server, /"url":"(http:\/\/[^"]+)","msg":"metrics listening"/);

/** GET on a connection of its own, so a cluster hands each request to the next worker. */
function getOnNewConnection(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (response) => {
        response.resume();
        response.on('end', () => {
          resolve(response.statusCode ?? 0);
        });
      })
      .on('error', reject);
  });
}

describe('metrics in the server process (app.js --server)', function () {
  this.timeout(60_000);

  it('serves /metrics only on METRICS_PORT when it is set, and closes it on SIGTERM', async () => {
    await withServer({ METRICS_PORT: '0' }, [], async (server) => {
      const url = await metricsUrl(server);
      expect(await getOnNewConnection(`${server.baseUrl}/auth/ping`)).to.equal(200);
      expect(await getOnNewConnection(`${server.baseUrl}/metrics`)).to.equal(404);
      const text = await (await fetch(url)).text();
      const ping = { method: 'GET', route: '/auth/ping', status: '200' };
      expect(sampleValue(text, 'http_requests_total', ping)).to.equal(1);
    });
  });

  it('with --workers 2 the primary serves the sum of both workers on METRICS_PORT', async () => {
    await withServer({ METRICS_PORT: '0' }, ['--workers', '2'], async (server) => {
      const url = await metricsUrl(server);
      while ((server.output().match(/"msg":"listening"/g) ?? []).length < 2) await sleep(50);
      for (let index = 0; index < 6; index += 1) {
        expect(await getOnNewConnection(`${server.baseUrl}/auth/ping`)).to.equal(200);
      }
      const servedBy = new Set(
        [...server.output().matchAll(/"pid":(\d+),[^\n]*"path":"\/auth\/ping"/g)].map((match) => match[1]),
      );
      expect(servedBy.size, 'both workers served some of the requests').to.equal(2);
      const response = await fetch(url);
      expect(response.headers.get('content-type')).to.include('text/plain; version=0.0.4');
      const text = await response.text();
      const ping = { method: 'GET', route: '/auth/ping', status: '200' };
      expect(sampleValue(text, 'http_requests_total', ping)).to.equal(6);
      expect(sampleValue(text, 'http_request_duration_seconds_count', ping)).to.equal(6);
      expect(text).to.include('# TYPE process_cpu_user_seconds_total counter');
      expect(await getOnNewConnection(`${server.baseUrl}/metrics`)).to.equal(404);
    });
  });

  it('with --workers 2 and no METRICS_PORT, warns that metrics are off and serves no /metrics', async () => {
    await withServer({}, ['--workers', '2'], async (server) => {
      expect(await getOnNewConnection(`${server.baseUrl}/metrics`)).to.equal(404);
      expect(server.output()).to.include('metrics are off: with --workers, set METRICS_PORT');
    });
  });
});
