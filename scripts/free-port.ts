import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';

/** Asks the OS for a free port; another process could take it before ours does, rarely. */
export async function findFreePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}
