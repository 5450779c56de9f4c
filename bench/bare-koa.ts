/**
 * The ceiling for any Koa route: a bare Koa app answering a small JSON body, with no middleware.
 * Run as its own process by the bench: `node --require tsx/cjs bench/bare-koa.ts <port>`; it logs
 * the same `"msg":"listening"` line as the server, and stops on SIGINT/SIGTERM.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';

const HOST = '127.0.0.1';

async function main(port: number): Promise<void> {
  const app = new Koa();
  app.use((ctx) => {
    ctx.body = { status: 'success', message: 'APIs are up and running' };
  });
  const handle = app.callback();
  const server = http
    .createServer((request, response) => {
      void handle(request, response);
    })
    .listen(port, HOST);
  await once(server, 'listening');
  const { port: bound } = server.address() as AddressInfo;
  console.log(JSON.stringify({ url: `http://${HOST}:${bound}`, msg: 'listening' }));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    });
  }
}

main(Number(process.argv[2] ?? 0)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
