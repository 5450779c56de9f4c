import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A startup refusal the operator can fix; the driver prints its message alone. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** Where a server listens, and the configuration keys that said so (named in errors). */
export interface ListenTarget {
  host: string;
  port: number;
  hostKey: 'HOST' | 'METRICS_HOST';
  portKey: 'PORT' | 'METRICS_PORT';
}

/** What a failed listen means, for the error codes an operator meets, and which key to change. */
const LISTEN_HINTS: Readonly<Record<string, (target: ListenTarget) => string>> = {
  EADDRINUSE: ({ host, port, portKey }) =>
    `${portKey}=${port}: the port is already in use on ${host}; stop what listens there, or set ${portKey} to a free port`,
  EACCES: ({ host, port, portKey }) =>
    `${portKey}=${port}: no permission to listen on this port on ${host} (ports below 1024 need privileges); ` +
    `set ${portKey} to 1024 or above`,
  EADDRNOTAVAIL: ({ host, hostKey }) =>
    `${hostKey}=${host}: not an address of this machine; set ${hostKey} to one of its addresses ` +
    '(127.0.0.1 for this machine only, 0.0.0.0 for every interface)',
  ENOTFOUND: ({ host, hostKey }) =>
    `${hostKey}=${host}: the name does not resolve; set ${hostKey} to an IP address or a name this machine resolves`,
  EAI_AGAIN: ({ host, hostKey }) =>
    `${hostKey}=${host}: the name could not be resolved (DNS did not answer); set ${hostKey} to an IP address`,
  EAFNOSUPPORT: ({ host, hostKey }) =>
    `${hostKey}=${host}: this machine does not support that address family (IPv6 off?); set ${hostKey} to an IPv4 address`,
};

/** One line naming the key to change and why listening failed; never a stack. */
export function describeListenError(error: unknown, target: ListenTarget): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const hint = LISTEN_HINTS[code];
  if (hint !== undefined) return `${hint(target)} [${code}]`;
  const reason = error instanceof Error ? error.message : String(error);
  return `cannot listen on ${target.hostKey}:${target.portKey} = ${target.host}:${target.port}: ${reason}`;
}

/**
 * Listens on `target` and resolves with the bound address (the real port when it was 0). A
 * failure (port in use, an address not of this machine) rejects with a StartupError naming the
 * key to change: it is not the database's fault, whatever ran before it.
 */
export async function listenOn(server: Server, target: ListenTarget): Promise<AddressInfo> {
  server.listen(target.port, target.host);
  try {
    await once(server, 'listening');
  } catch (error) {
    throw new StartupError(describeListenError(error, target), { cause: error });
  }
  return server.address() as AddressInfo;
}
