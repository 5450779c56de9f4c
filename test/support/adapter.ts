import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { authServerAdapter } from '../../clients/authjs/src';
import { User } from '../../src/models';
import { ADAPTER_SECRET } from './config';
import { uniqueEmail } from './factories';
import { closeRaw, listenRaw } from './raw-http';

/** The live server of an adapter suite: the test app on a free port, and its origin. */
export interface LiveServer {
  url: string;
  server: http.Server;
}

/** Starts the test app on a free port (with /adapter on), for clients that need a real URL. */
export async function startLiveServer(overrides: Record<string, string> = {}): Promise<LiveServer> {
  const server = await listenRaw(overrides);
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}

export const stopLiveServer = (live: LiveServer): Promise<void> => closeRaw(live.server);

/** Our Auth.js adapter client, pointed at `live`. */
export const adapterFor = (live: LiveServer) => authServerAdapter({ url: live.url, secret: ADAPTER_SECRET });

/** A user as Auth.js would create one, with fields of its own. */
export function authjsUser() {
  return {
    id: 'ignored-by-the-server',
    name: 'Fill Murray',
    email: uniqueEmail(),
    emailVerified: new Date('2026-11-30T08:00:00.123Z'),
    image: 'https://www.fillmurray.com/460/300',
  };
}

/** The users row of an adapter user id. */
export const userRow = (id: string) => User.findByPk(Number(id));
